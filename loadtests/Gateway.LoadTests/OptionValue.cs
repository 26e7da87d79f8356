using System.Globalization;

namespace Gateway.LoadTests;

/// <summary>Reading scenario options; every error names the option, and Program.cs turns it into exit code 2.</summary>
internal static class OptionValue
{
    /// <summary>The value after <c>args[i]</c>.</summary>
    public static string After(string[] args, int i) =>
        i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");

    public static int Int(string option, string value, int min, int max) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{option} must be {min} to {max}, got '{value}'");

    public static double Double(string option, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) && x >= min && x <= max
            ? x
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{option} must be {min} to {max}, got '{value}'"));
}
