using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Integration;

/// <summary>
/// A real Kestrel upstream with a job queue and one worker. <c>POST /jobs?work_ms=N</c> enqueues a job that takes
/// N ms of the worker and answers 202 at once with its name in <c>X-Upstream</c>, the calling tenant in
/// <c>X-Tenant-Echo</c>, and the queue's backlog as an enqueue endpoint reports it:
/// <c>endpoint-load-metrics: TEXT named_metrics.backlog=&lt;jobs waiting&gt;, named_metrics.backlog_age_ms=&lt;oldest&gt;</c>.
/// Long jobs saturate it: the worker is busy and every later job waits, so the backlog grows with each enqueue.
/// </summary>
internal sealed class BacklogUpstream : IAsyncDisposable
{
    private readonly Channel<(long EnqueuedAt, int WorkMs)> _jobs = Channel.CreateUnbounded<(long, int)>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _worker;
    private readonly Lock _oldestLock = new();
    private readonly Queue<long> _waiting = new();
    private InProcessServer? _server;

    private BacklogUpstream(string name)
    {
        Name = name;
        _worker = Task.Run(WorkAsync);
    }

    public string Name { get; }

    public Uri Address => (_server ?? throw new InvalidOperationException("not started")).BaseAddress;

    /// <summary>Jobs waiting for the worker now.</summary>
    public int Backlog
    {
        get
        {
            lock (_oldestLock)
            {
                return _waiting.Count;
            }
        }
    }

    public static async Task<BacklogUpstream> StartAsync(string name)
    {
        var self = new BacklogUpstream(name);
        try
        {
            self._server = await InProcessServer.StartAsync(
                app => app.MapPost("/jobs", self.Enqueue),
                builder => builder.Logging.SetMinimumLevel(LogLevel.Warning));
        }
        catch
        {
            await self.DisposeAsync();
            throw;
        }

        return self;
    }

    private IResult Enqueue(HttpContext context)
    {
        var workMs = int.TryParse(context.Request.Query["work_ms"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? ms : 0;
        var now = TimeProvider.System.GetTimestamp();
        int backlog;
        double ageMs;
        lock (_oldestLock)
        {
            _waiting.Enqueue(now);
            backlog = _waiting.Count;
            ageMs = TimeProvider.System.GetElapsedTime(_waiting.Peek(), now).TotalMilliseconds;
        }

        _jobs.Writer.TryWrite((now, workMs));
        context.Response.Headers["X-Upstream"] = Name;
        context.Response.Headers["X-Tenant-Echo"] = context.Request.Headers["X-Tenant-Id"].ToString();
        context.Response.Headers["Server-Timing"] = "app;dur=0";
        context.Response.Headers["endpoint-load-metrics"] = string.Create(
            CultureInfo.InvariantCulture, $"TEXT named_metrics.backlog={backlog}, named_metrics.backlog_age_ms={ageMs:0}");
        return Results.Accepted();
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var job in _jobs.Reader.ReadAllAsync(_stopping.Token))
            {
                lock (_oldestLock)
                {
                    _waiting.Dequeue();
                }

                if (job.WorkMs > 0)
                {
                    await Task.Delay(job.WorkMs, _stopping.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _worker;
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _stopping.Dispose();
    }
}
