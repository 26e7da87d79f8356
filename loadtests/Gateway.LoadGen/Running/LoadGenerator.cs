using System.Net;

namespace Gateway.LoadGen;

/// <summary>
/// An open-loop HTTP load generator: every request is sent at its scheduled time whether or not earlier ones
/// have finished, and its latency is measured from that time, so a slow server cannot hide its queueing by
/// slowing the client down (no coordinated omission). Also a closed loop, for throughput ceilings.
/// </summary>
/// <remarks>
/// Responses are timed on the thread pool. A host that also runs servers in-process, or sends bursts of new
/// connections, should raise <see cref="ThreadPool.SetMinThreads"/> (loadtests/run.sh sets 64 for every scenario):
/// the pool starts with one thread per core and grows about twice a second, and time spent waiting for a
/// thread would be reported as latency.
/// </remarks>
public sealed class LoadGenerator : IDisposable
{
    private readonly HttpMessageInvoker _client;
    private readonly bool _ownsClient;

    /// <param name="client">
    /// Sends the requests. Default: a <see cref="SocketsHttpHandler"/> from <see cref="CreateDefaultHandler"/>,
    /// owned and disposed by the generator. A given client is not disposed.
    /// </param>
    public LoadGenerator(HttpMessageInvoker? client = null)
    {
        _ownsClient = client is null;
        _client = client ?? new HttpMessageInvoker(CreateDefaultHandler(), disposeHandler: true);
    }

    /// <summary>
    /// A handler fit for load: unlimited connections per server (an open loop needs one per request in
    /// flight), no automatic decompression, redirects, cookies or proxy, and pooled connections kept for 10 minutes.
    /// </summary>
    public static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        MaxConnectionsPerServer = int.MaxValue,
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    };

    /// <summary>
    /// Runs <paramref name="plan"/> open loop: each arrival goes to every target at the same instant. Returns
    /// when every request has finished or the plan's MaxDuration cut the rest.
    /// </summary>
    /// <param name="plan">The schedule, its bounds and the shape of each request.</param>
    /// <param name="targets">The systems under test; every arrival goes to each.</param>
    /// <param name="progress">Called about once a second, and once at the end, from a thread-pool thread.</param>
    /// <param name="cancellationToken">Stops sending, cancels what is in flight, and throws <see cref="OperationCanceledException"/>.</param>
    public Task<LoadResult> RunAsync(
        LoadPlan plan, IReadOnlyList<LoadTarget> targets, Action<LoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        plan.Validate();
        LoadPlan.ValidateTargets(targets);
        return new OpenLoopRun(_client, plan, targets).RunAsync(progress, cancellationToken);
    }

    /// <summary>
    /// Closed loop, for throughput ceilings: <paramref name="connections"/> workers each send back to back for
    /// <paramref name="duration"/>, at most <paramref name="maxRequests"/> in all. Latency is from the actual send.
    /// Requests still running at the end get <see cref="LoadPlan.RequestTimeout"/> to finish.
    /// </summary>
    /// <param name="target">The system under test; requests rotate over its URLs.</param>
    /// <param name="connections">Workers, each with one request in flight at a time.</param>
    /// <param name="duration">How long workers start new requests.</param>
    /// <param name="maxRequests">The most requests in all.</param>
    /// <param name="requestShape">Headers, PathAndQuery (may be called from several workers at once), captures and timeout; its schedule is ignored.</param>
    /// <param name="cancellationToken">Stops the workers, cancels what is in flight, and throws <see cref="OperationCanceledException"/>.</param>
    public Task<LoadResult> RunClosedAsync(
        LoadTarget target, int connections, TimeSpan duration, int maxRequests, LoadPlan? requestShape = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        LoadPlan.ValidateTarget(target);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRequests);
        if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "must be positive and at most 7 days");
        }

        var shape = requestShape ?? new LoadPlan { Phases = [LoadPhase.Steady(0, duration)], MaxRequests = maxRequests, MaxDuration = duration };
        shape.Validate();
        return new ClosedLoopRun(_client, target, connections, duration, maxRequests, shape).RunAsync(cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="connectionsPerUrl"/> concurrent untimed GETs to each URL, ignoring their outcome,
    /// so a run that follows does not measure connection set-up and the first-call cost of the send path
    /// (about 200 ms of stall at the start of a 3000/s run here without it).
    /// </summary>
    public async Task WarmUpAsync(IEnumerable<Uri> urls, int connectionsPerUrl = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(urls);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connectionsPerUrl);
        await Task.WhenAll(urls.SelectMany(url => Enumerable.Range(0, connectionsPerUrl).Select(async _ =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                await response.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // A URL that fails now will fail in the run too, where it is counted.
            }
        }))).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }
}
