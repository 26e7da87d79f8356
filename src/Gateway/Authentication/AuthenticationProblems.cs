using Gateway.Problems;

namespace Gateway.Authentication;

/// <summary>
/// The 401 every authentication failure gets: <c>WWW-Authenticate: Bearer</c> (RFC 6750) and a problem+json body
/// whose <c>reason</c> says what was wrong. Counted in <c>gateway_auth_rejected_total</c>.
/// </summary>
internal static class AuthenticationProblems
{
    public static Task WriteAsync(HttpContext context, string reason, string detail)
    {
        context.RequestServices.GetRequiredService<AuthenticationMetrics>().RecordAuthRejected(reason);
        context.Response.Headers.WWWAuthenticate = reason == GatewayProblems.MissingToken
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{detail}\"";
        return GatewayProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, reason, "Unauthorized", detail);
    }
}
