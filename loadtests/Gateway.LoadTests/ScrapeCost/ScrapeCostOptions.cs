using System.CommandLine;
using System.Globalization;
using Gateway.LoadGen;

namespace Gateway.LoadTests.ScrapeCost;

/// <summary>Options of the <c>scrape-cost</c> scenario.</summary>
internal sealed record ScrapeCostOptions(IReadOnlyList<(int Clusters, int Destinations)> Sizes, int Scrapes)
{
    public static ScrapeCostOptions Parse(string[] args) => CreateCommandLine().Parse(args);

    public static OptionsCommand<ScrapeCostOptions> CreateCommandLine()
    {
        var sizes = new TextOption<IReadOnlyList<(int, int)>>("--sizes", "comma list of CLUSTERSxDESTINATIONS, each 1 to 100", "1x3,10x10,20x50", v => [.. v.Split(',').Select(ParseSize)]);
        var scrapes = new TextOption<int>("--scrapes", "scrapes per size, 1-10000", "200", v => OptionValue.Int("--scrapes", v, 1, 10_000));
        var command = new Command("scrape-cost", """
            What one Prometheus scrape of the gateway's /metrics costs (latency, bytes, gateway CPU), for
            clusters x destinations gateways with traffic on every destination.
            """)
        {
            sizes.Option, scrapes.Option,
        };
        return new(command, result => new ScrapeCostOptions(sizes.Get(result), scrapes.Get(result)));
    }

    private static (int, int) ParseSize(string text)
    {
        var parts = text.Split('x');
        return parts.Length == 2
            && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var c) && c is > 0 and <= 100
            && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var d) && d is > 0 and <= 100
            ? (c, d)
            : throw new ArgumentException($"--sizes wants CLUSTERSxDESTINATIONS items, each 1 to 100, got '{text}'");
    }
}
