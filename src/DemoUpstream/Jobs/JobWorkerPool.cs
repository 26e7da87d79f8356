using Microsoft.Extensions.Options;

namespace DemoUpstream.Jobs;

/// <summary>
/// The <c>Concurrency</c> workers, and the shutdown that loses nothing. When the host begins stopping (SIGTERM raises
/// <see cref="IHostApplicationLifetime.ApplicationStopping"/>), new requests' jobs are refused with 503 at once; the
/// workers carry on until the queue is empty or <c>ShutdownGrace</c> ends, and whatever is left, queued, not yet
/// visible or running, is dead-lettered with reason <c>shutdown</c> and journaled. The host awaits that in
/// <see cref="StoppingAsync"/>, before Kestrel stops, so GETs (and 503s) are served throughout the drain.
/// </summary>
internal sealed partial class JobWorkerPool : IHostedLifecycleService, IDisposable
{
    private readonly Lock _sync = new();
    private readonly JobScheduler _scheduler;
    private readonly JobRunner _runner;
    private readonly JobJournal _journal;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly JobsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopWorkers = new();
    private CancellationTokenRegistration _onStopping;
    private Task[] _workers = [];
    private Task? _shutdown;

    public JobWorkerPool(
        JobScheduler scheduler,
        JobRunner runner,
        JobJournal journal,
        JobActivityListener listener,
        IHostApplicationLifetime lifetime,
        IOptions<JobsOptions> options,
        TimeProvider time,
        ILogger<JobWorkerPool> logger)
    {
        // The listener is a dependency only so spans exist whenever workers run, even in a host that never maps the endpoints.
        _ = listener;
        _scheduler = scheduler;
        _runner = runner;
        _journal = journal;
        _lifetime = lifetime;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _onStopping = _lifetime.ApplicationStopping.Register(() => BeginShutdown());
        _workers = [.. Enumerable.Range(0, _options.Concurrency).Select(_ => Task.Run(() => WorkAsync(_stopWorkers.Token), CancellationToken.None))];
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before the server stops: the drain (begun here if ApplicationStopping has not begun it already).</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await BeginShutdown().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.ShutdownTimedOut(_logger);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopWorkers.CancelAsync();
        try
        {
            await Task.WhenAll(_workers).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _onStopping.Dispose();

        // Normally a no-op: the drain has closed the scheduler. If the host never stopped cleanly, unfinished jobs
        // still get their terminal journal lines.
        _scheduler.Close();
        _journal.Flush();
        _stopWorkers.Cancel();
    }

    private Task BeginShutdown()
    {
        lock (_sync)
        {
            if (_shutdown is null)
            {
                // Synchronously, so a POST arriving right after SIGTERM is already refused.
                _scheduler.BeginShutdown();
                _shutdown = Task.Run(DrainAsync, CancellationToken.None);
            }

            return _shutdown;
        }
    }

    private async Task DrainAsync()
    {
        Log.Draining(_logger, _scheduler.Unfinished, _options.ShutdownGrace);
        try
        {
            await _scheduler.WhenIdleAsync().WaitAsync(_options.ShutdownGrace, _time);
        }
        catch (TimeoutException)
        {
        }

        var deadLettered = _scheduler.Close();

        // Attempts still running belong to jobs just dead-lettered; stop them.
        await _stopWorkers.CancelAsync();
        _journal.Flush();
        Log.Drained(_logger, deadLettered);
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _scheduler.TakeAsync(cancellationToken) is { } lease)
            {
                await _runner.RunAsync(lease, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Stopping: refusing new jobs; draining {Unfinished} unfinished jobs for up to {Grace}.")]
        public static partial void Draining(ILogger logger, int unfinished, TimeSpan grace);

        [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Jobs drained; {DeadLettered} unfinished jobs dead-lettered with reason shutdown.")]
        public static partial void Drained(ILogger logger, int deadLettered);

        [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "The host's shutdown timeout ended the job drain early; unfinished jobs are dead-lettered on disposal.")]
        public static partial void ShutdownTimedOut(ILogger logger);
    }
}
