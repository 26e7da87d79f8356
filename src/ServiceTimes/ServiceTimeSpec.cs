using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ServiceTimes;

/// <summary>
/// Parses service-time spec strings:
/// <c>const:20ms</c>, <c>exp:mean=20ms</c>, <c>lognormal:mean=20ms,sigma=1</c>,
/// <c>points:0=10ms,0.5=75ms,…,1=6420ms</c>.
/// Durations take the units us, ms and s, and are at most <see cref="MaxDuration"/>.
/// </summary>
public static class ServiceTimeSpec
{
    /// <summary>The longest duration a spec may name, matching the <c>?ms=</c> override's cap.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    public static IServiceTimeDistribution Parse(string spec) =>
        TryParse(spec, out var distribution, out var error) ? distribution : throw new FormatException(error);

    public static bool TryParse(string? spec, [NotNullWhen(true)] out IServiceTimeDistribution? distribution, [NotNullWhen(false)] out string? error)
    {
        distribution = null;
        if (string.IsNullOrWhiteSpace(spec))
        {
            error = "is empty; expected e.g. 'exp:mean=20ms'";
            return false;
        }

        var colon = spec.IndexOf(':');
        if (colon < 0)
        {
            error = $"'{spec}' has no kind; expected const:, exp:, lognormal: or points:";
            return false;
        }

        var kind = spec[..colon].Trim().ToLowerInvariant();
        var body = spec[(colon + 1)..].Trim();
        error = kind switch
        {
            "const" => ParseConst(body, out distribution),
            "exp" => ParseExp(body, out distribution),
            "lognormal" => ParseLogNormal(body, out distribution),
            "points" => ParsePoints(body, out distribution),
            _ => $"'{kind}' is not a known kind; expected const, exp, lognormal or points",
        };
        return error is null;
    }

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        text = text.Trim();
        var (number, scaleMs) = text switch
        {
            _ when text.EndsWith("us", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 1.0),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1000.0),
            _ => (string.Empty, 0),
        };
        if (scaleMs > 0
            && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value) && value >= 0 && value * scaleMs <= MaxDuration.TotalMilliseconds)
        {
            duration = TimeSpan.FromMilliseconds(value * scaleMs);
            return true;
        }

        duration = default;
        return false;
    }

    private static string? ParseConst(string body, out IServiceTimeDistribution? distribution)
    {
        distribution = null;
        if (!TryParseDuration(body, out var value))
        {
            return $"const: '{body}' is not a duration such as 20ms (at most 600s)";
        }

        distribution = new ConstantServiceTime(value);
        return null;
    }

    private static string? ParseExp(string body, out IServiceTimeDistribution? distribution)
    {
        distribution = null;
        var args = ParseArgs(body, out var error);
        if (args is null)
        {
            return $"exp: {error}";
        }

        if (args.Count != 1 || !args.TryGetValue("mean", out var meanText) || !TryParseDuration(meanText, out var mean) || mean <= TimeSpan.Zero)
        {
            return $"exp: expected 'mean=<duration > 0>', got '{body}'";
        }

        distribution = new ExponentialServiceTime(mean);
        return null;
    }

    private static string? ParseLogNormal(string body, out IServiceTimeDistribution? distribution)
    {
        distribution = null;
        var args = ParseArgs(body, out var error);
        if (args is null)
        {
            return $"lognormal: {error}";
        }

        if (args.Count != 2
            || !args.TryGetValue("mean", out var meanText) || !TryParseDuration(meanText, out var mean) || mean <= TimeSpan.Zero
            || !args.TryGetValue("sigma", out var sigmaText)
            || !double.TryParse(sigmaText, NumberStyles.Float, CultureInfo.InvariantCulture, out var sigma)
            || !double.IsFinite(sigma) || sigma <= 0 || sigma > 5)
        {
            return $"lognormal: expected 'mean=<duration > 0>,sigma=<number in (0, 5]>', got '{body}'";
        }

        distribution = new LogNormalServiceTime(mean, sigma);
        return null;
    }

    private static string? ParsePoints(string body, out IServiceTimeDistribution? distribution)
    {
        distribution = null;
        var points = new List<(double P, TimeSpan Time)>();
        foreach (var part in body.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq < 0
                || !double.TryParse(part[..eq], NumberStyles.Float, CultureInfo.InvariantCulture, out var p)
                || !TryParseDuration(part[(eq + 1)..], out var time))
            {
                return $"points: '{part}' is not '<probability>=<duration>'";
            }

            if (points.Count > 0 && (p <= points[^1].P || time < points[^1].Time))
            {
                return $"points: '{part}' must have a higher probability and no lower time than the point before it";
            }

            points.Add((p, time));
        }

        if (points.Count < 2 || points[0].P != 0 || points[^1].P != 1)
        {
            return "points: needs at least two points, the first at probability 0 and the last at 1";
        }

        distribution = new PointsServiceTime(points);
        return null;
    }

    private static Dictionary<string, string>? ParseArgs(string body, out string? error)
    {
        var args = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in body.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || !args.TryAdd(part[..eq].Trim(), part[(eq + 1)..].Trim()))
            {
                error = $"'{part}' is not a unique 'name=value'";
                return null;
            }
        }

        error = null;
        return args;
    }
}
