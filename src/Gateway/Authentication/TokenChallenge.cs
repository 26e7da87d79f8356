using Gateway.Problems;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>The JWT scheme's challenge: 401 saying whether the token was missing, invalid or expired.</summary>
internal static class TokenChallenge
{
    public static Task WriteAsync(JwtBearerChallengeContext challenge)
    {
        challenge.HandleResponse();
        var (reason, detail) = challenge.AuthenticateFailure switch
        {
            null => (GatewayProblems.MissingToken, "This route requires a bearer token or an API key."),
            SecurityTokenExpiredException => (GatewayProblems.ExpiredToken, "The bearer token has expired."),
            SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException =>
                (GatewayProblems.InvalidToken, "The bearer token's signature does not match a configured key."),
            _ => (GatewayProblems.InvalidToken, "The bearer token is not valid."),
        };
        return AuthenticationProblems.WriteAsync(challenge.HttpContext, reason, detail);
    }
}
