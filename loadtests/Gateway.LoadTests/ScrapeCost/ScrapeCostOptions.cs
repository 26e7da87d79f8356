using System.Globalization;

namespace Gateway.LoadTests.ScrapeCost;

/// <summary>Options of the <c>scrape-cost</c> scenario.</summary>
internal sealed record ScrapeCostOptions(IReadOnlyList<(int Clusters, int Destinations)> Sizes, int Scrapes)
{
    public static ScrapeCostOptions Parse(string[] args)
    {
        IReadOnlyList<(int, int)> sizes = [(1, 3), (10, 10), (20, 50)];
        var scrapes = 200;
        for (var i = 0; i < args.Length; i++)
        {
            var value = OptionValue.After(args, i);
            switch (args[i])
            {
                case "--sizes":
                    sizes = [.. value.Split(',').Select(ParseSize)];
                    break;
                case "--scrapes":
                    scrapes = OptionValue.Int("--scrapes", value, 1, 10_000);
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'");
            }

            i++;
        }

        return new ScrapeCostOptions(sizes, scrapes);
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
