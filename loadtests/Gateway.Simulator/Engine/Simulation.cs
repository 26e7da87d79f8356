using Gateway.Simulator.Policies;
using Gateway.Simulator.Statistics;
using ServiceTimes;

namespace Gateway.Simulator.Engine;

/// <summary>
/// A discrete-event simulation of N upstreams × c worker slots, each with a local FIFO queue (like a pre-fork app
/// server), behind K balancer replicas, under open Poisson arrivals.
/// </summary>
/// <remarks>
/// Arrival times, service times and replica choices come from their own seeded streams, drawn in arrival order
/// whatever the policy does, so every policy sees the same requests (common random numbers) and results compare
/// paired. Requests live in a struct array addressed by id. Only service ends and retry timers need a heap: the
/// network delay is a constant, so requests reach upstreams, and responses reach replicas, in the order they set
/// off, and plain FIFOs hold them.
/// </remarks>
internal sealed class Simulation
{
    private const int ArrivalStream = 0;
    private const int ServiceStream = 1;
    private const int ReplicaStream = 2;
    private const int PolicyStream = 3;
    private const int StoreStream = 4;

    private readonly SimulationScenario _scenario;
    private readonly IServiceTimeDistribution _service;
    private readonly FastRandom _storeTrips;
    private readonly double _halfRoundTrip;
    private readonly IBalancer _balancer;
    private readonly EventHeap _heap = new();
    private readonly IntQueue _toUpstream = new(1024);
    private readonly IntQueue _toReplica = new(1024);
    private readonly int[] _busy;
    private readonly IntQueue[] _localQueues;
    private readonly LatencyHistogram _queueHistogram = new();
    private readonly LatencyHistogram _endToEndHistogram = new();
    private RequestState[] _requests = new RequestState[1024];
    private int[] _free = new int[1024];
    private int _freeCount;
    private int _allocated;
    private double _now;
    private int _totalBusy;
    private double _busyIntegral;
    private double _busySince;
    private MeasuredTotals _totals;

    public Simulation(SimulationScenario scenario)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scenario.Upstreams, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scenario.Slots, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scenario.Replicas, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scenario.Requests, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(scenario.RoundTrip, TimeSpan.Zero);
        if (!(scenario.Utilization is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(scenario), "Utilization must be in (0, 1).");
        }

        if (scenario.Service.Mean <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(scenario), "The mean service time must be positive.");
        }

        if (!(scenario.WarmupFraction is >= 0 and <= 0.9))
        {
            throw new ArgumentOutOfRangeException(nameof(scenario), "The warm-up fraction must be in [0, 0.9].");
        }

        _scenario = scenario;
        _service = scenario.Service;
        _halfRoundTrip = scenario.RoundTrip.TotalSeconds / 2;
        _busy = new int[scenario.Upstreams];
        _localQueues = new IntQueue[scenario.Upstreams];
        for (var i = 0; i < _localQueues.Length; i++)
        {
            _localQueues[i] = new IntQueue();
        }

        PolicyRandom = FastRandom.ForStream(scenario.Seed, PolicyStream);
        _storeTrips = FastRandom.ForStream(scenario.Seed, StoreStream);
        _balancer = BalancingPolicies.Create(scenario.Policy, this);
    }

    public int Upstreams => _scenario.Upstreams;

    public int Slots => _scenario.Slots;

    public int Replicas => _scenario.Replicas;

    /// <summary>Slots each fleet replica may keep for its next arrivals (<see cref="SimulationScenario.FleetReserve"/>).</summary>
    public int FleetReserve => _scenario.FleetReserve;

    /// <summary>One leg (half a round trip) between a replica and Redis in fleet mode, in seconds, drawn from its own stream.</summary>
    public double NextStoreLeg() => _scenario.StoreRoundTrip.Sample(_storeTrips).TotalSeconds / 2;

    /// <summary>Simulated time in seconds.</summary>
    public double Now => _now;

    /// <summary>For policy decisions only (ties, random picks), so they never shift the common streams.</summary>
    public FastRandom PolicyRandom { get; }

    public ref RequestState Request(int id) => ref _requests[id];

    /// <summary>The balancer sends request <paramref name="id"/> to <paramref name="upstream"/> now.</summary>
    public void Dispatch(int id, int upstream)
    {
        ref var request = ref _requests[id];
        request.Upstream = upstream;
        request.Dispatched = _now;
        request.AtUpstream = _now + _halfRoundTrip;
        _toUpstream.Enqueue(id);
    }

    /// <summary>
    /// Calls the balancer's <see cref="IBalancer.OnTimer"/> at <paramref name="time"/> with <paramref name="key"/> (not
    /// negative) and <paramref name="tag"/>, which are the balancer's own: a replica and a generation, or a request and a step.
    /// </summary>
    public void ScheduleTimer(int key, double time, int tag) =>
        _heap.Push(new ScheduledEvent(time, ~key, tag));

    public SimulationResult Run()
    {
        var arrivals = FastRandom.ForStream(_scenario.Seed, ArrivalStream);
        var services = FastRandom.ForStream(_scenario.Seed, ServiceStream);
        var replicaChoices = FastRandom.ForStream(_scenario.Seed, ReplicaStream);
        var rate = _scenario.ArrivalRate;
        var total = _scenario.Requests;
        var warmup = Math.Min(_scenario.WarmupRequests, total - 2);
        var replicas = _scenario.Replicas;
        double measureStart = 0, measureEnd = 0, busyAtStart = 0, busyAtEnd = 0;

        var arrived = 0;
        var completed = 0;
        var nextArrival = Exponential(arrivals) / rate;
        while (completed < total)
        {
            var arrivalTime = arrived < total ? nextArrival : double.PositiveInfinity;
            var upstreamTime = _toUpstream.Count > 0 ? _requests[_toUpstream.Peek()].AtUpstream : double.PositiveInfinity;
            var replicaTime = _toReplica.Count > 0 ? _requests[_toReplica.Peek()].AtReplica : double.PositiveInfinity;
            var heapTime = _heap.MinTime;

            // At equal times: responses first (they free slots), then service ends and timers, then deliveries.
            if (replicaTime <= heapTime && replicaTime <= upstreamTime && replicaTime <= arrivalTime)
            {
                _now = replicaTime;
                OnResponse(_toReplica.Dequeue());
                completed++;
            }
            else if (heapTime <= upstreamTime && heapTime <= arrivalTime)
            {
                _now = heapTime;
                var next = _heap.Pop();
                if (next.Target >= 0)
                {
                    OnServiceEnd(next.Target);
                }
                else
                {
                    _balancer.OnTimer(~next.Target, next.Generation);
                }
            }
            else if (upstreamTime <= arrivalTime)
            {
                _now = upstreamTime;
                OnReachUpstream(_toUpstream.Dequeue());
            }
            else if (arrived < total)
            {
                _now = arrivalTime;
                var id = Allocate();
                ref var request = ref _requests[id];
                request.Arrival = _now;
                request.Service = _service.Sample(services).TotalSeconds;
                request.Replica = replicas == 1 ? 0 : replicaChoices.Next(replicas);
                request.Measured = arrived >= warmup;
                if (arrived == warmup)
                {
                    AccumulateBusy();
                    (measureStart, busyAtStart) = (_now, _busyIntegral);
                }

                if (arrived == total - 1)
                {
                    AccumulateBusy();
                    (measureEnd, busyAtEnd) = (_now, _busyIntegral);
                }

                arrived++;
                nextArrival += Exponential(arrivals) / rate;
                _balancer.OnArrival(id);
            }
            else
            {
                throw new InvalidOperationException(
                    $"{_scenario.Policy} stalled: {total - completed} requests never completed and nothing is scheduled.");
            }
        }

        CheckConservation(completed);
        var span = measureEnd - measureStart;
        var measured = _totals.Count;
        return new SimulationResult
        {
            Policy = _scenario.Policy,
            Replicas = _scenario.Replicas,
            Upstreams = _scenario.Upstreams,
            Slots = _scenario.Slots,
            TargetUtilization = _scenario.Utilization,
            Utilization = (busyAtEnd - busyAtStart) / ((double)_scenario.Upstreams * _scenario.Slots * span),
            ArrivalRate = (total - 1 - warmup) / span,
            MeanQueueMs = _totals.Queue / measured * 1000,
            P50QueueMs = _queueHistogram.Quantile(0.5),
            P99QueueMs = _queueHistogram.Quantile(0.99),
            MeanLocalQueueMs = _totals.LocalQueue / measured * 1000,
            MeanGatewayQueueMs = _totals.GatewayQueue / measured * 1000,
            WaitedShare = (double)_totals.Waited / measured,
            LocalWaitedShare = (double)_totals.LocalWaited / measured,
            MeanServiceMs = _totals.Service / measured * 1000,
            MeanEndToEndMs = _totals.EndToEnd / measured * 1000,
            P50EndToEndMs = _endToEndHistogram.Quantile(0.5),
            P99EndToEndMs = _endToEndHistogram.Quantile(0.99),
            Requests = total,
            MeasuredRequests = measured,
            Completed = completed,
        };
    }

    private static double Exponential(FastRandom random) => -Math.Log(1.0 - random.NextDouble());

    private void OnReachUpstream(int id)
    {
        var upstream = _requests[id].Upstream;
        if (_busy[upstream] < _scenario.Slots)
        {
            AccumulateBusy();
            _busy[upstream]++;
            _totalBusy++;
            StartService(id);
        }
        else
        {
            _localQueues[upstream].Enqueue(id);
        }
    }

    private void StartService(int id)
    {
        ref var request = ref _requests[id];
        request.Started = _now;
        request.Ended = _now + request.Service;
        _heap.Push(new ScheduledEvent(request.Ended, id, 0));
    }

    private void OnServiceEnd(int id)
    {
        ref var request = ref _requests[id];
        var upstream = request.Upstream;
        var local = _localQueues[upstream];

        // Taken while this request still holds its slot, as DemoUpstream does: busy slots plus its local queue.
        request.ReportedInFlight = _busy[upstream] + local.Count;
        request.AtReplica = _now + _halfRoundTrip;
        _toReplica.Enqueue(id);
        if (local.Count > 0)
        {
            // The slot passes straight to the oldest local waiter.
            StartService(local.Dequeue());
        }
        else
        {
            AccumulateBusy();
            _busy[upstream]--;
            _totalBusy--;
        }
    }

    private void OnResponse(int id)
    {
        ref var request = ref _requests[id];
        if (request.Measured)
        {
            // Each part is an exact difference, so a request that never waited counts exactly 0.
            var gatewayQueue = request.Dispatched - request.Arrival;
            var localQueue = request.Started - request.AtUpstream;
            var queue = gatewayQueue + localQueue;
            var endToEnd = _now - request.Arrival;
            _totals.Count++;
            _totals.Queue += queue;
            _totals.GatewayQueue += gatewayQueue;
            _totals.LocalQueue += localQueue;
            _totals.Service += request.Service;
            _totals.EndToEnd += endToEnd;
            _totals.Waited += queue > 0 ? 1 : 0;
            _totals.LocalWaited += localQueue > 0 ? 1 : 0;
            _queueHistogram.Add(queue * 1000);
            _endToEndHistogram.Add(endToEnd * 1000);
        }

        _balancer.OnResponse(id);
        _free[_freeCount++] = id;
    }

    private int Allocate()
    {
        if (_freeCount > 0)
        {
            return _free[--_freeCount];
        }

        if (_allocated == _requests.Length)
        {
            Array.Resize(ref _requests, _requests.Length * 2);
            Array.Resize(ref _free, _free.Length * 2);
        }

        return _allocated++;
    }

    private void AccumulateBusy()
    {
        _busyIntegral += _totalBusy * (_now - _busySince);
        _busySince = _now;
    }

    private void CheckConservation(int completed)
    {
        var queued = 0;
        foreach (var local in _localQueues)
        {
            queued += local.Count;
        }

        if (completed != _scenario.Requests || _freeCount != _allocated || _totalBusy != 0 || queued != 0
            || _toUpstream.Count != 0 || _toReplica.Count != 0)
        {
            throw new InvalidOperationException(
                $"{_scenario.Policy}: conservation broken: {completed} of {_scenario.Requests} completed, "
                + $"{_allocated - _freeCount} still allocated, {_totalBusy} slots busy, {queued} queued at upstreams.");
        }
    }

    private struct MeasuredTotals
    {
        public long Count;
        public long Waited;
        public long LocalWaited;
        public double Queue;
        public double GatewayQueue;
        public double LocalQueue;
        public double Service;
        public double EndToEnd;
    }
}
