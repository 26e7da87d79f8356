using System.Globalization;
using Gateway.UpstreamFeedback;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Problems;

/// <summary>
/// RFC 9457 problem responses. Every rejection carries a machine-readable <c>reason</c>;
/// the <c>type</c> is <c>urn:gateway:problem:&lt;reason&gt;</c>.
/// </summary>
internal static class GatewayProblems
{
    public const string QueueFull = "queue_full";
    public const string QueueTimeout = "queue_timeout";
    public const string NoDestinations = "no_available_destinations";
    public const string UpstreamError = "upstream_error";
    public const string UpstreamTimeout = "upstream_timeout";
    public const string MissingToken = "missing_token";
    public const string InvalidToken = "invalid_token";
    public const string ExpiredToken = "expired_token";
    public const string InvalidApiKey = "invalid_api_key";
    public const string InvalidQdelay = "invalid_qdelay";

    public static Task WriteAsync(
        HttpContext context, int status, string reason, string title, string detail, string? cluster = null, TimeSpan? retryAfter = null,
        string? tenant = null, IReadOnlyList<KeyValuePair<string, object?>>? extensions = null)
    {
        // The access log and metrics say why the gateway answered itself.
        context.Features.Get<GatewayRequestFeature>()?.Rejection = reason;
        var response = context.Response;
        response.StatusCode = status;
        if (retryAfter is { } delay)
        {
            // Whole seconds, as HTTP requires; never 0, so a client that waits it finds what it waited for.
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails
        {
            Type = $"urn:gateway:problem:{reason}",
            Title = title,
            Status = status,
            Detail = detail,
            Instance = context.Request.Path,
        };
        problem.Extensions["reason"] = reason;
        if (cluster is not null)
        {
            problem.Extensions["cluster"] = cluster;
        }

        if (tenant is not null)
        {
            problem.Extensions["tenant"] = tenant;
        }

        foreach (var (key, value) in extensions ?? [])
        {
            if (value is not null)
            {
                problem.Extensions[key] = value;
            }
        }

        problem.Extensions["traceId"] = context.TraceIdentifier;
        return Results.Problem(problem).ExecuteAsync(context);
    }
}
