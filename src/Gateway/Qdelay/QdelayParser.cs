using System.Globalization;
using System.Text.Json;
using Gateway.Authentication;

namespace Gateway.Qdelay;

/// <summary>
/// Reads a qdelay from a token claim or the development header: whole milliseconds (<c>1500</c>), or an object
/// <c>{ "ms": 500, "jitter_ms": 200, "services": { "billing": 2000 } }</c>. Unknown fields are errors, so a
/// typo such as <c>jitter</c> is not silently ignored.
/// </summary>
internal static class QdelayParser
{
    private const int MaxServices = 32;

    public static QdelayParseResult Parse(string text, QdelayOptions options)
    {
        text = text.Trim();
        if (text.StartsWith('{'))
        {
            return ParseObject(text, options);
        }

        return TryReadMs(text, "qdelay", out var ms, out var error)
            ? Limit(new QdelaySpec { Ms = ms }, options)
            : QdelayParseResult.Fail(error);
    }

    private static QdelayParseResult ParseObject(string text, QdelayOptions options)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return QdelayParseResult.Fail("qdelay is not valid JSON.");
        }

        using (document)
        {
            int ms = 0, jitter = 0;
            var services = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                string? error;
                switch (property.Name)
                {
                    case "ms":
                        if (!TryReadMs(property.Value, "qdelay.ms", out ms, out error))
                        {
                            return QdelayParseResult.Fail(error);
                        }

                        break;
                    case "jitter_ms":
                        if (!TryReadMs(property.Value, "qdelay.jitter_ms", out jitter, out error))
                        {
                            return QdelayParseResult.Fail(error);
                        }

                        break;
                    case "services":
                        if (!TryReadServices(property.Value, services, out error))
                        {
                            return QdelayParseResult.Fail(error);
                        }

                        break;
                    default:
                        return QdelayParseResult.Fail($"qdelay has an unknown field '{property.Name}'; known: ms, jitter_ms, services.");
                }
            }

            return Limit(new QdelaySpec { Ms = ms, JitterMs = jitter, Services = services }, options);
        }
    }

    private static bool TryReadServices(JsonElement element, Dictionary<string, int> services, out string error)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "qdelay.services must be an object of service name to milliseconds.";
            return false;
        }

        foreach (var service in element.EnumerateObject())
        {
            if (!Names.IsValid(service.Name))
            {
                error = $"qdelay.services has an invalid service name '{service.Name}': use {Names.Rule}.";
                return false;
            }

            if (!TryReadMs(service.Value, $"qdelay.services.{service.Name}", out var ms, out error))
            {
                return false;
            }

            if (!services.TryAdd(service.Name, ms))
            {
                error = $"qdelay.services names '{service.Name}' twice.";
                return false;
            }
        }

        if (services.Count > MaxServices)
        {
            error = $"qdelay.services names {services.Count} services; at most {MaxServices}.";
            return false;
        }

        error = "";
        return true;
    }

    private static bool TryReadMs(JsonElement element, string field, out int ms, out string error) =>
        element.ValueKind is JsonValueKind.Number or JsonValueKind.String
            ? TryReadMs(element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText(), field, out ms, out error)
            : Fail($"{field} must be a whole number of milliseconds, got {element.ValueKind.ToString().ToLowerInvariant()}.", out ms, out error);

    private static bool TryReadMs(string text, string field, out int ms, out string error)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
        {
            return Fail($"{field} must be a whole number of milliseconds, got '{Shorten(text)}'.", out ms, out error);
        }

        if (value < 0)
        {
            return Fail($"{field} must not be negative, got {value.ToString(CultureInfo.InvariantCulture)}.", out ms, out error);
        }

        if (value != decimal.Truncate(value))
        {
            return Fail($"{field} must be a whole number of milliseconds, got {value.ToString(CultureInfo.InvariantCulture)}.", out ms, out error);
        }

        // Anything above int.MaxValue is above every allowed maximum; it is limited like any other large value.
        ms = value > int.MaxValue ? int.MaxValue : (int)value;
        error = "";
        return true;
    }

    private static QdelayParseResult Limit(QdelaySpec spec, QdelayOptions options)
    {
        var max = options.MaxMs;
        var tooLong = (long)spec.Ms + spec.JitterMs > max || spec.Services.Values.Any(ms => (long)ms + spec.JitterMs > max);
        if (!tooLong)
        {
            return QdelayParseResult.Ok(spec, clamped: false);
        }

        if (options.AboveMax == QdelayAboveMax.Reject)
        {
            return QdelayParseResult.Fail($"qdelay is above the maximum: every delay plus jitter_ms must be at most {max} ms (Gateway:Qdelay:MaxMs).");
        }

        var jitter = Math.Min(spec.JitterMs, max);
        return QdelayParseResult.Ok(
            new QdelaySpec
            {
                Ms = Math.Min(spec.Ms, max - jitter),
                JitterMs = jitter,
                Services = spec.Services.ToDictionary(s => s.Key, s => Math.Min(s.Value, max - jitter), StringComparer.Ordinal),
            },
            clamped: true);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static bool Fail(string message, out int ms, out string error)
    {
        ms = 0;
        error = message;
        return false;
    }
}
