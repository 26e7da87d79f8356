using System.Globalization;
using Microsoft.Extensions.Options;

namespace DemoUpstream.Jobs;

internal sealed class JobsOptionsValidator : IValidateOptions<JobsOptions>
{
    /// <summary>Task.Delay's limit (about 49.7 days); longer waits would fail at run time instead of start-up.</summary>
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public ValidateOptionsResult Validate(string? name, JobsOptions options)
    {
        var failures = new List<string>();
        void Fail(string key, string problem) => failures.Add($"{JobsOptions.SectionName}:{key} {problem}");

        if (options.Concurrency < 1)
        {
            Fail(nameof(options.Concurrency), $"must be ≥ 1, got {options.Concurrency}.");
        }

        var queues = options.EffectiveQueues();
        for (var i = 0; i < queues.Count; i++)
        {
            if (!JobTenant.IsValidName(queues[i]))
            {
                Fail($"{nameof(options.Queues)}:{i}", $"must be 1–64 characters of A–Z, a–z, 0–9, '_', '.' or '-', got '{queues[i]}'.");
            }
        }

        foreach (var duplicate in queues.GroupBy(q => q, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            Fail(nameof(options.Queues), $"names '{duplicate.Key}' more than once.");
        }

        if (!queues.Contains(options.DefaultQueue, StringComparer.Ordinal))
        {
            Fail(nameof(options.DefaultQueue), $"must be one of the queues ({string.Join(", ", queues)}), got '{options.DefaultQueue}'.");
        }

        if (options.MaxAttempts < 1)
        {
            Fail(nameof(options.MaxAttempts), $"must be ≥ 1, got {options.MaxAttempts}.");
        }

        CheckDelay(nameof(options.RetryBaseDelay), options.RetryBaseDelay, allowZero: false, Fail);
        CheckDelay(nameof(options.RetryMaxDelay), options.RetryMaxDelay, allowZero: false, Fail);
        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            Fail(nameof(options.RetryMaxDelay), $"must be ≥ RetryBaseDelay ({Show(options.RetryBaseDelay)}), got {Show(options.RetryMaxDelay)}.");
        }

        CheckDelay(nameof(options.Ttl), options.Ttl, allowZero: false, Fail);
        CheckDelay(nameof(options.ShutdownGrace), options.ShutdownGrace, allowZero: true, Fail);

        if (options.MaxChildren < 0)
        {
            Fail(nameof(options.MaxChildren), $"must be ≥ 0, got {options.MaxChildren}.");
        }

        if (options.JournalPath is { } path && string.IsNullOrWhiteSpace(path))
        {
            Fail(nameof(options.JournalPath), "must be a file path, or left unset for no journal.");
        }

        if (options.MaxQueued < 1)
        {
            Fail(nameof(options.MaxQueued), $"must be ≥ 1, got {options.MaxQueued}.");
        }

        if (options.RetainFinished < 0)
        {
            Fail(nameof(options.RetainFinished), $"must be ≥ 0, got {options.RetainFinished}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckDelay(string key, TimeSpan value, bool allowZero, Action<string, string> fail)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            fail(key, $"must be {(allowZero ? "≥ 0" : "> 0")}, got {Show(value)}.");
        }
        else if (value > MaxDelay)
        {
            fail(key, $"must be at most {Show(MaxDelay)}, got {Show(value)}.");
        }
    }

    private static string Show(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
