using System.Text.Json;
using Gateway.Admission.Redis;
using Gateway.Fleet;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Health;

/// <summary>
/// <c>/healthz</c>: ASP.NET Core health checks, one per dependency, written in the gateway's own shape. The top level is
/// what load balancers and scripts read: <c>{"status":"ok"}</c>; <c>503 {"status":"starting","reason":…}</c> until the
/// first active probes answered; <c>200 {"status":"degraded","reason":…}</c> (with <c>mode</c> or <c>failureMode</c>)
/// while a Redis is out of reach. <c>checks</c> has every check's status, description and data (for <c>destinations</c>, each cluster's available / all).
/// </summary>
internal static class HealthResponse
{
    public static HealthCheckOptions Options { get; } = new()
    {
        ResponseWriter = WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteSummary(json, report);
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString());
                if (entry.Description is { } description)
                {
                    json.WriteString("description", description);
                }

                if (entry.Data.Count > 0)
                {
                    json.WriteStartObject("data");
                    foreach (var (key, value) in entry.Data)
                    {
                        json.WritePropertyName(key);
                        JsonSerializer.Serialize(json, value);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return context.Response.Body.WriteAsync(buffer.ToArray()).AsTask();
    }

    // The same precedence as before health checks: starting, then fleet, then admission.
    private static void WriteSummary(Utf8JsonWriter json, HealthReport report)
    {
        if (report.Entries.TryGetValue(DestinationsHealthCheck.Name, out var destinations) && destinations.Status == HealthStatus.Unhealthy)
        {
            json.WriteString("status", "starting");
            json.WriteString("reason", DestinationsHealthCheck.StartingReason);
            return;
        }

        foreach (var (name, detail) in new[] { (FleetHealthCheck.Name, "mode"), (AdmissionRedisHealthCheck.Name, "failureMode") })
        {
            if (report.Entries.TryGetValue(name, out var entry) && entry.Status != HealthStatus.Healthy)
            {
                json.WriteString("status", "degraded");
                json.WriteString("reason", entry.Description);
                if (entry.Data.TryGetValue(detail, out var value))
                {
                    json.WriteString(detail, value.ToString());
                }

                return;
            }
        }

        json.WriteString("status", report.Status == HealthStatus.Healthy ? "ok" : "degraded");
    }
}
