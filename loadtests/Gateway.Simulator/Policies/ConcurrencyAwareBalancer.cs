using Gateway.Simulator.Engine;

namespace Gateway.Simulator.Policies;

/// <summary>
/// The gateway's <c>ConcurrencyAware</c> policy, mirroring <c>ClusterGate</c> and <c>DestinationLoad</c> with the
/// default options (<c>LoadReportTtl</c> 250 ms, <c>UseReportedInFlight</c> on, <c>ReleaseOn</c> ResponseHeaders),
/// one gate per replica and every upstream a candidate.
/// </summary>
/// <remarks>
/// Simplifications against the real gate:
/// <list type="bullet">
/// <item>The limit is c from the start. The real gate probes with one request per destination until the first
/// response reports <c>named_metrics.limit</c>; that only shapes the first moments, which warm-up discards.</item>
/// <item>Queue length and queue timeout are unbounded, and no client gives up.</item>
/// <item>Picking, counting, reports and releases take no time, and the retry timer fires exactly when due.</item>
/// </list>
/// Kept as the real gate does it: a stale estimate still counts (only a destination full by a stale estimate, with
/// none of this replica's requests in flight, gets a single probe); the report is read with this request still
/// counted and only then is its slot released; the report-lag correction uses the measured round trip minus the
/// service time, capped at 5 ms; the retry timer is one per replica, re-armed to the earliest expiry plus 1 ms.
/// </remarks>
internal sealed class ConcurrencyAwareBalancer : IBalancer
{
    private const double RoundTripSmoothing = 0.2;
    private const double MaxReportLag = 0.005;
    private const double LoadReportTtl = 0.250;
    private const double RetryDelay = 0.001;
    private const int RecentReleaseCapacity = 16;

    private readonly Simulation _simulation;
    private readonly int _upstreams;
    private readonly int _limit;

    // Per replica × destination, as DestinationLoad.
    private readonly int[] _inFlight;
    private readonly int[] _others;
    private readonly int[] _occupied;
    private readonly double[] _othersValidUntil;
    private readonly double[] _roundTripEwma;
    private readonly double[] _recentReleases;
    private readonly int[] _recentReleaseNext;

    // Per replica, as ClusterGate.
    private readonly IntQueue[] _queues;
    private readonly double[] _retryDue;
    private readonly int[] _retryGeneration;
    private readonly int[] _reportVersion;

    // The earliest still-fresh expiry of a non-zero estimate, as of the replica's report version it was computed
    // at. Picks compute it on the way, so re-arming the timer seldom needs a scan of its own.
    private readonly double[] _expiry;
    private readonly int[] _expiryVersion;

    private readonly int[] _ties;

    public ConcurrencyAwareBalancer(Simulation simulation)
    {
        _simulation = simulation;
        _upstreams = simulation.Upstreams;
        _limit = simulation.Slots;
        var loads = simulation.Replicas * _upstreams;
        _inFlight = new int[loads];
        _others = new int[loads];
        _occupied = new int[loads];
        _othersValidUntil = new double[loads];
        _roundTripEwma = new double[loads];
        _recentReleases = new double[loads * RecentReleaseCapacity];
        Array.Fill(_recentReleases, double.NegativeInfinity);
        _recentReleaseNext = new int[loads];
        _queues = new IntQueue[simulation.Replicas];
        for (var i = 0; i < _queues.Length; i++)
        {
            _queues[i] = new IntQueue();
        }

        _retryDue = new double[simulation.Replicas];
        Array.Fill(_retryDue, double.NaN);
        _retryGeneration = new int[simulation.Replicas];
        _reportVersion = new int[simulation.Replicas];
        _expiry = new double[simulation.Replicas];
        _expiryVersion = new int[simulation.Replicas];
        Array.Fill(_expiryVersion, -1);
        _ties = new int[_upstreams];
    }

    public void OnArrival(int id)
    {
        var replica = _simulation.Request(id).Replica;
        var queue = _queues[replica];
        if (queue.Count == 0 && Pick(replica) is var destination and >= 0)
        {
            Take(replica, destination, id);
            return;
        }

        queue.Enqueue(id);
        ScheduleRetry(replica);
    }

    public void OnResponse(int id)
    {
        ref var request = ref _simulation.Request(id);
        var replica = request.Replica;
        var index = (replica * _upstreams) + request.Upstream;
        var now = _simulation.Now;

        // ClusterGate.ReportLoad, with this request still counted.
        var roundTrip = now - request.Dispatched;
        var ewma = _roundTripEwma[index];
        ewma = ewma == 0 ? roundTrip : ewma + (RoundTripSmoothing * (roundTrip - ewma));
        _roundTripEwma[index] = ewma;

        // The gateway's lag is the ULQ estimate (round trip − Server-Timing app time): local wait plus network.
        var upstreamOverhead = Math.Max(0, roundTrip - (request.Ended - request.Started));
        var lag = Math.Min(upstreamOverhead, MaxReportLag);
        var ownAtReport = _inFlight[index] + ReleasesSince(index, now - lag);
        _others[index] = Math.Max(0, request.ReportedInFlight - ownAtReport);
        _occupied[index] = _inFlight[index] + _others[index];
        _othersValidUntil[index] = now + (ewma > 0 ? Math.Min(LoadReportTtl, ewma) : LoadReportTtl);
        _reportVersion[replica]++;
        DispatchQueued(replica);

        // ClusterGate.Release.
        _inFlight[index]--;
        _occupied[index]--;
        _recentReleases[(index * RecentReleaseCapacity) + _recentReleaseNext[index]] = now;
        _recentReleaseNext[index] = (_recentReleaseNext[index] + 1) % RecentReleaseCapacity;
        DispatchQueued(replica);
    }

    public void OnTimer(int replica, int generation)
    {
        if (generation != _retryGeneration[replica])
        {
            // Re-armed since; a later event carries the current generation.
            return;
        }

        _retryDue[replica] = double.NaN;
        DispatchQueued(replica);
    }

    private void Take(int replica, int destination, int id)
    {
        var index = (replica * _upstreams) + destination;
        _inFlight[index]++;
        _occupied[index]++;
        _simulation.Dispatch(id, destination);
    }

    /// <summary>ClusterGate.DispatchLocked: strict FIFO, the oldest waiter takes the next free slot.</summary>
    private void DispatchQueued(int replica)
    {
        var queue = _queues[replica];
        if (queue.Count == 0)
        {
            return;
        }

        while (queue.Count > 0 && Pick(replica) is var destination and >= 0)
        {
            Take(replica, destination, queue.Dequeue());
        }

        ScheduleRetry(replica);
    }

    /// <summary>
    /// ClusterGate.ScheduleRetryLocked: waiters held back only by other callers' reported work would otherwise wait
    /// for a release that may never come from this replica; look again when the oldest such report goes stale.
    /// </summary>
    private void ScheduleRetry(int replica)
    {
        if (_queues[replica].Count == 0)
        {
            return;
        }

        var now = _simulation.Now;
        if (_expiryVersion[replica] != _reportVersion[replica] || _expiry[replica] <= now)
        {
            ScanExpiry(replica, now);
        }

        var earliest = _expiry[replica];
        if (double.IsPositiveInfinity(earliest))
        {
            return;
        }

        var due = earliest + RetryDelay;
        if (due == _retryDue[replica])
        {
            return;
        }

        _retryDue[replica] = due;
        _simulation.ScheduleTimer(replica, due, ++_retryGeneration[replica]);
    }

    private void ScanExpiry(int replica, double now)
    {
        var offset = replica * _upstreams;
        var earliest = double.PositiveInfinity;
        for (var i = offset; i < offset + _upstreams; i++)
        {
            var until = _othersValidUntil[i];
            if (_others[i] > 0 && until > now && until < earliest)
            {
                earliest = until;
            }
        }

        _expiry[replica] = earliest;
        _expiryVersion[replica] = _reportVersion[replica];
    }

    /// <summary>ClusterGate.PickLocked with limits enforced: the most free slots, ties at random; −1 if none is free.</summary>
    private int Pick(int replica)
    {
        var offset = replica * _upstreams;

        // A probe scores 1, so where some destination has two or more free slots, probes cannot win or tie and
        // the pick is simply among the least occupied. That is the common case, and a SIMD scan.
        var occupied = _occupied.AsSpan(offset, _upstreams);
        var least = LeastScan.Min(occupied);
        if (_limit - least >= 2)
        {
            var tied = LeastScan.IndicesOf(occupied, least, _ties);
            return tied == 1 ? _ties[0] : _ties[_simulation.PolicyRandom.Next(tied)];
        }

        return PickScanningProbes(replica);
    }

    private int PickScanningProbes(int replica)
    {
        var now = _simulation.Now;
        var offset = replica * _upstreams;
        var limit = _limit;
        var bestScore = int.MinValue;
        var ties = 0;
        var earliest = double.PositiveInfinity;
        for (var destination = 0; destination < _upstreams; destination++)
        {
            var index = offset + destination;
            var own = _inFlight[index];
            var others = _others[index];
            var until = _othersValidUntil[index];
            if (others > 0 && until > now && until < earliest)
            {
                earliest = until;
            }

            var score = limit - own - others;
            if (score <= 0)
            {
                // A destination we have nothing in flight at sends us no reports, so an estimate of other callers'
                // work there only ages. Once it is stale, one probe request refreshes it.
                if (own > 0 || others == 0 || now < until)
                {
                    continue;
                }

                score = 1;
            }

            if (score > bestScore)
            {
                bestScore = score;
                _ties[0] = destination;
                ties = 1;
            }
            else if (score == bestScore)
            {
                _ties[ties++] = destination;
            }
        }

        _expiry[replica] = earliest;
        _expiryVersion[replica] = _reportVersion[replica];

        // One draw among the tied, where ClusterGate draws once per tie (reservoir sampling): the same distribution.
        return ties switch
        {
            0 => -1,
            1 => _ties[0],
            _ => _ties[_simulation.PolicyRandom.Next(ties)],
        };
    }

    /// <summary>DestinationLoad.ReleasesSince: this replica's releases at the destination at or after <paramref name="since"/>.</summary>
    private int ReleasesSince(int index, double since)
    {
        var count = 0;
        var releases = _recentReleases.AsSpan(index * RecentReleaseCapacity, RecentReleaseCapacity);
        foreach (var released in releases)
        {
            if (released >= since)
            {
                count++;
            }
        }

        return count;
    }
}
