using System.Globalization;

namespace DemoUpstream.Tests.Jobs;

internal static class JobsTimestamps
{
    /// <summary>The API's timestamp form, written independently of the code under test.</summary>
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
