using Gateway.Metrics;
using Gateway.Problems;
using Gateway.Timing;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Context;

/// <summary>
/// Answers an authentication challenge with 401, a <c>WWW-Authenticate: Bearer</c> header (RFC 6750) and a
/// problem+json body whose <c>reason</c> says whether the token was missing, invalid or expired.
/// </summary>
internal static class TokenChallenge
{
    public static async Task WriteAsync(JwtBearerChallengeContext challenge)
    {
        challenge.HandleResponse();
        var context = challenge.HttpContext;
        var (reason, detail) = challenge.AuthenticateFailure switch
        {
            null => (GatewayProblems.MissingToken, "This route requires a bearer token."),
            SecurityTokenExpiredException => (GatewayProblems.ExpiredToken, "The bearer token has expired."),
            SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException =>
                (GatewayProblems.InvalidToken, "The bearer token's signature does not match a configured key."),
            _ => (GatewayProblems.InvalidToken, "The bearer token is not valid."),
        };

        context.RequestServices.GetRequiredService<GatewayMetrics>().RecordAuthRejected(reason);
        if (context.Features.Get<GatewayRequestFeature>() is { } feature)
        {
            feature.Rejection = reason;
        }

        context.Response.Headers.WWWAuthenticate = reason == GatewayProblems.MissingToken
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{detail}\"";
        await GatewayProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, reason, "Unauthorized", detail);
    }
}
