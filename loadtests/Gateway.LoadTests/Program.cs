using Gateway.LoadGen;
using Gateway.LoadTests.ScrapeCost;
using Gateway.Simulator;

// Scenarios, one per command. Each prints a Markdown table and the command that reproduces it.
var command = args.FirstOrDefault();
var rest = args.Skip(1).ToArray();
try
{
    return command switch
    {
        "load" => await LoadCommand.RunAsync(rest),
        "simulate" => SimulateCommand.Run(rest),
        "scrape-cost" => await ScrapeCostScenario.RunAsync(ScrapeCostOptions.Parse(rest)),
        _ => Usage(),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"loadtests: {ex.Message}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: loadtests/run.sh <scenario> [options]

          scrape-cost [--sizes 1x3,10x10,20x50] [--scrapes 200]
              What one Prometheus scrape of the gateway's /metrics costs (latency, bytes, gateway CPU),
              for clusters x destinations gateways with traffic on every destination.
        """);
    return 2;
}
