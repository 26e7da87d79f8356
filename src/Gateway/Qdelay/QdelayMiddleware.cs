using Gateway.Problems;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.Qdelay;

/// <summary>
/// The proxy pipeline's qdelay step: takes the delay from the validated token's claim (or, in Development and where
/// allowed, the <c>X-Qdelay</c> header of a caller without one), normalises it, and refuses a bad one with 400. A
/// caller's header that does not count is removed (see <see cref="QdelayTransformProvider"/>) and counted.
/// </summary>
internal sealed class QdelayMiddleware(RequestDelegate next, IOptionsMonitor<QdelayOptions> options, QdelayMetrics metrics, IHostEnvironment environment)
{
    public const string Header = "X-Qdelay";

    /// <summary>Synchronous until the next step, so no async state machine is held while the request waits further on.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        var qdelay = Read(context, options.CurrentValue);
        if (qdelay is { Error: { } error })
        {
            return GatewayProblems.WriteAsync(context, StatusCodes.Status400BadRequest, GatewayProblems.InvalidQdelay, "Invalid qdelay", error);
        }

        if (qdelay?.Spec is { } spec)
        {
            context.Features.Set(new QdelayFeature(spec));
        }

        return next(context);
    }

    /// <summary>The token's claim wins; the development header counts only without a token, where allowed.</summary>
    private QdelayParseResult? Read(HttpContext context, QdelayOptions settings)
    {
        var header = context.Request.Headers[Header];
        string? text = null, source = null;

        // The authentication step (when configured) made the validated credential's principal the request's user.
        // Read through the feature: HttpContext.User would create an empty principal for every request without one.
        var user = context.Features.Get<IHttpAuthenticationFeature>()?.User;
        if (user?.Identity is { IsAuthenticated: true } && user.FindAll(settings.Claim).ToList() is { Count: > 0 } claims)
        {
            (text, source) = (claims.Count == 1 ? claims[0].Value : null, QdelaySources.Token);
        }
        else if (header.Count > 0 && settings.AllowDevelopmentHeader && environment.IsDevelopment())
        {
            (text, source) = (header.Count == 1 ? header[0] ?? "" : null, QdelaySources.Header);
        }

        if (header.Count > 0 && source != QdelaySources.Header)
        {
            metrics.RecordQdelayStripped(QdelaySources.Header);
        }

        if (source is null)
        {
            return null;
        }

        var parsed = text is null ? QdelayParseResult.Fail($"qdelay must be given once, not {(source == QdelaySources.Token ? "as several claims" : "in several headers")}.")
            : QdelayParser.Parse(text, settings);
        metrics.RecordQdelay(source, parsed.Error is not null ? "rejected" : parsed.Clamped ? "clamped" : "applied");
        return parsed;
    }
}
