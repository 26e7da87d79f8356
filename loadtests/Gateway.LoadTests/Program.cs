using Gateway.LoadGen;
using Gateway.LoadTests.Failover;
using Gateway.LoadTests.Fleet;
using Gateway.LoadTests.NoisyNeighbor;
using Gateway.LoadTests.Overhead;
using Gateway.LoadTests.Race;
using Gateway.LoadTests.ReplicasRedis;
using Gateway.LoadTests.ScrapeCost;
using Gateway.LoadTests.UlqSweep;
using Gateway.Simulator;

// Scenarios, one per command. Each prints a Markdown table and the command that reproduces it.
var command = args.FirstOrDefault();

// Responses are timed on the thread pool, which starts with one thread per core: a burst of connections would wait
// for threads, and that wait would be reported as the system's latency.
ThreadPool.GetMinThreads(out var workers, out var io);
ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
var rest = args.Skip(1).ToArray();
try
{
    return command switch
    {
        "load" => await LoadCommand.RunAsync(rest),
        "simulate" => SimulateCommand.Run(rest),
        "ulq-sweep" => await UlqSweepScenario.RunAsync(UlqSweepOptions.Parse(rest)),
        "overhead" => await OverheadScenario.RunAsync(OverheadOptions.Parse(rest)),
        "scrape-cost" => await ScrapeCostScenario.RunAsync(ScrapeCostOptions.Parse(rest)),
        "race" => await RaceScenario.RunAsync(RaceOptions.Parse(rest)),
        "noisy-neighbor" => await NoisyNeighborScenario.RunAsync(rest),
        "replicas-redis" => await ReplicasRedisScenario.RunAsync(ReplicasRedisOptions.Parse(rest)),
        "failover" => await FailoverScenario.RunAsync(FailoverOptions.Parse(rest)),
        "fleet" => await FleetScenario.RunAsync(FleetOptions.Parse(rest)),
        _ => Usage(),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"loadtests: {ex.Message}");
    return 2;
}
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or FileNotFoundException)
{
    // A peer or app that would not start, or a failed run: the message says which and why.
    Console.Error.WriteLine($"loadtests: {command} failed: {ex.Message}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: loadtests/run.sh <scenario> [options]

          load --url URL [--url URL ...] (--rate R | --phases 50:10s,50-200:30s) [--duration 60s] [--requests N] ...
              One open-loop run; every arrival goes to every --url. loadtests/run.sh load --help lists the options.

          simulate [--upstreams N] [--slots C] [--replicas K] [--policy all] [--service SPEC] [--utilization 0.5,0.9] ...
              The discrete-event queueing simulator: the sweep's questions at scales this machine cannot run.

          ulq-sweep [--utilization 0.4,0.6,0.8,0.9,0.95] [--service exp:mean=200ms] [--upstreams 3] [--slots 4]
                    [--seconds 60] [--systems id,...] [--seed 1] [--out loadtests/results]
              Queueing delay against utilization for every balancing set-up (stock YARP, HAProxy, random-direct,
              the gateway with 1 and 3 replicas), all at once on real processes, paired arrivals.

          overhead [--rounds 3] [--throughput-seconds 5] [--connections 32] [--latency-seconds 8] [--load 0.5]
              The gateway with every feature on against stock YARP, HAProxy and nginx in front of a trivial upstream:
              throughput ceilings (wrk) and latency at a share of the gateway's ceiling (open loop).

          scrape-cost [--sizes 1x3,10x10,20x50] [--scrapes 200]
              What one Prometheus scrape of the gateway's /metrics costs (latency, bytes, gateway CPU),
              for clusters x destinations gateways with traffic on every destination.

          race [--jobs 20] [--qdelay-ms 2000] [--sleep-ms 500] [--work-ms 50]
              Clients racing background jobs: one sleeps a fixed time and reads once, one waits on its job token,
              each run with a token without qdelay and with one. Shows which client is right once jobs are delayed.

          noisy-neighbor [--rate 20] [--burst 20] [--share 0.5] [--factor 10] [--seconds 30] [--slo-ms 5000] ...
              Tenants A, B and C enqueue jobs at half their rate, without and then with tenant D bursting at 10x its
              rate: D's 429s and Retry-After, A/B/C rejections, enqueue p99 ratio and job start waits against the SLO.
              loadtests/run.sh noisy-neighbor --help lists the options.
          replicas-redis [--rate 100] [--replicas 3] [--seconds 30] [--compare on] [--outage on]
              Gateway replicas sharing one tenant's bucket through redis-server: admitted rate against the configured
              one, Redis round trips per request and added latency (local, one call per request, reserved batches),
              then Redis killed and restarted under traffic: 5xx, fail-open takeover time, recovery.
          failover [--rate 300] [--duration 20s] [--response-timeout 5s] [--events kill,stop] [--proxies ours,haproxy,yarp]
                   [--service exp:mean=20ms] [--seed 1] [--out loadtests/results]
              The same upstream failures against the gateway, HAProxy and stock YARP, each in front of three
              DemoUpstreams under open-loop load: at 6 s one is killed (started again at 12 s), stopped with SIGSTOP
              (continued at 12 s) or, with --events restart, cleanly restarted. Errors, p99 and max, time until traffic
              left it and came back, and ours' in-flight count afterwards.
          fleet [--utilization 0.8,0.9] [--seconds 120] [--rounds 1] [--systems id,...] [--seed 1] [--out loadtests/results] [--quick]
              Issue 14: can several gateway replicas queue as little as one pooled balancer? 8 DemoUpstreams x 2 slots per
              set-up, lognormal service times: ours x 1 and x 3, HAProxy x 1 (the pooled anchor) and x 3, stock YARP
              LeastRequests and PowerOfTwoChoices x 3, all at once on the same arrivals, each beside the simulator's figure.
              Ids: ours-1, ours-3, haproxy-1, haproxy-3, yarp-lr-3, yarp-p2c-3, and ours-fleet-3 (fleet mode through a
              redis-server it starts; opt-in, skipped with a note while the gateway lacks Gateway:Fleet). --quick: 80% for 40 s.
        """);
    return 2;
}
