using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Jobs;

internal static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Room the host's shutdown needs beyond the drain: dead-lettering what is left, flushing the journal, and
    /// Kestrel finishing the requests in flight.
    /// </summary>
    public static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(10);

    /// <summary>The async jobs API: options from <c>DemoUpstream:Jobs</c>, the scheduler, the workers and the drain.</summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobsOptions>().Bind(configuration.GetSection(JobsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobsOptions>, JobsOptionsValidator>();
        services.AddOptions<HostOptions>().PostConfigure<IOptions<JobsOptions>>(RaiseShutdownTimeout);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new JitterSource(
            sp.GetRequiredService<IOptions<JobsOptions>>().Value.Seed is { } seed ? new Random(seed) : new Random()));
        services.AddSingleton<JobActivityListener>();
        services.AddSingleton<JobActivitySource>();
        services.AddSingleton<JobMetrics>();
        services.AddSingleton<JobJournal>();
        services.AddSingleton<JobScheduler>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService<JobWorkerPool>();
        return services;
    }

    /// <summary>The host must wait out the whole drain, or jobs would be cut off before they are dead-lettered and journaled.</summary>
    private static void RaiseShutdownTimeout(HostOptions host, IOptions<JobsOptions> jobs)
    {
        TimeSpan grace;
        try
        {
            grace = jobs.Value.ShutdownGrace;
        }
        catch (OptionsValidationException)
        {
            // Invalid settings are reported, naming their keys, when the host starts.
            return;
        }

        if (host.ShutdownTimeout != Timeout.InfiniteTimeSpan && host.ShutdownTimeout < grace + ShutdownMargin)
        {
            host.ShutdownTimeout = grace + ShutdownMargin;
        }
    }
}
