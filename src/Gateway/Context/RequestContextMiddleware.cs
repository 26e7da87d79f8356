using System.Security.Claims;
using Gateway.Configuration;
using Gateway.Metrics;
using Gateway.Problems;
using Microsoft.AspNetCore.Authentication;

namespace Gateway.Context;

/// <summary>
/// The proxy pipeline's context step: rejects a presented token that failed validation (even where the route
/// allows anonymous callers, so a bad token never passes silently as "no delay"), takes the tenant and qdelay
/// from the validated token, and composes the baggage sent upstream with any caller-sent qdelay stripped.
/// </summary>
internal sealed class RequestContextMiddleware(
    RequestDelegate next, LiveGatewayOptions options, GatewayMetrics metrics, IHostEnvironment environment, IServiceProvider services)
{
    public const string QdelayHeader = "X-Qdelay";

    // Whether authentication was configured at start-up, when its services are registered (or not): a live edit that adds
    // the first key cannot turn it on, and must not make every request fail looking for services that are not there.
    private readonly bool _authenticates = services.GetService<IAuthenticationSchemeProvider>() is not null;

    /// <summary>Without authentication nothing here waits, so no async state machine is held while the request does.</summary>
    public Task InvokeAsync(HttpContext context) => _authenticates ? AuthenticateAsync(context) : ContinueAsync(context, principal: null);

    private async Task AuthenticateAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync();
        if (result.Failure is not null)
        {
            await context.ChallengeAsync();
            return;
        }

        await ContinueAsync(context, result.Succeeded ? result.Principal : null);
    }

    private Task ContinueAsync(HttpContext context, ClaimsPrincipal? principal)
    {
        var current = options.Current;
        var qdelay = ReadQdelay(context, principal, current);
        if (qdelay is { Error: { } error })
        {
            return GatewayProblems.WriteAsync(context, StatusCodes.Status400BadRequest, GatewayProblems.InvalidQdelay, "Invalid qdelay", error);
        }

        var baggage = OutboundBaggage.Compose(context.Request.Headers.Baggage, qdelay?.Spec?.ToBaggageMembers() ?? []);
        metrics.RecordBaggage(baggage);
        context.Features.Set(new RequestContextFeature
        {
            Tenant = principal?.FindFirst(current.Authentication.TenantClaim)?.Value,
            Baggage = baggage.Header,
        });
        return next(context);
    }

    /// <summary>The token's claim wins; the development header counts only without a token, where allowed.</summary>
    private QdelayParseResult? ReadQdelay(HttpContext context, ClaimsPrincipal? principal, GatewayOptions current)
    {
        var settings = current.Qdelay;
        var header = context.Request.Headers[QdelayHeader];
        string? text = null, source = null;
        if (principal?.FindAll(settings.Claim).ToList() is { Count: > 0 } claims)
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
