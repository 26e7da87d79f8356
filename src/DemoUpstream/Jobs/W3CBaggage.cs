using Microsoft.Extensions.Primitives;

namespace DemoUpstream.Jobs;

/// <summary>
/// Reads the W3C <c>baggage</c> header (<c>key=value;property, key2=value2</c>) for requests without an
/// <see cref="System.Diagnostics.Activity"/>, where ASP.NET Core has not already put it on <c>Activity.Baggage</c>.
/// </summary>
internal static class W3CBaggage
{
    public const string HeaderName = "baggage";

    /// <summary>Entries in header order; values percent-decoded, properties dropped, malformed members skipped.</summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> Parse(StringValues headers)
    {
        List<KeyValuePair<string, string?>>? entries = null;
        foreach (var header in headers)
        {
            if (string.IsNullOrEmpty(header))
            {
                continue;
            }

            foreach (var member in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = member.AsSpan();
                if (pair.IndexOf(';') is >= 0 and var semicolon)
                {
                    pair = pair[..semicolon];
                }

                var equals = pair.IndexOf('=');
                if (equals <= 0)
                {
                    continue;
                }

                var key = pair[..equals].Trim();
                if (key.IsEmpty)
                {
                    continue;
                }

                // Malformed escapes are left as they are, as Uri.UnescapeDataString does.
                var value = Uri.UnescapeDataString(pair[(equals + 1)..].Trim().ToString());
                (entries ??= []).Add(new(key.ToString(), value));
            }
        }

        return entries ?? [];
    }
}
