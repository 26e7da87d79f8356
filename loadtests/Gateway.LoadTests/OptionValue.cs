using System.Globalization;

namespace Gateway.LoadTests;

/// <summary>Scenario option values in range; every error names the option, and the command line turns it into exit code 2.</summary>
internal static class OptionValue
{
    public static int Int(string option, string value, int min, int max) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{option} must be {min} to {max}, got '{value}'");

    public static double Double(string option, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) && x >= min && x <= max
            ? x
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{option} must be {min} to {max}, got '{value}'"));
}
