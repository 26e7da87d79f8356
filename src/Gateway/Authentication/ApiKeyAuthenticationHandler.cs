using System.Security.Claims;
using System.Text.Encodings.Web;
using Gateway.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.Authentication;

/// <summary>
/// Authenticates an API key from <c>Gateway:Authentication:ApiKeyHeader</c> against the configured SHA-256 hashes and
/// acts for the key's tenant. An unknown key fails (401 <c>invalid_api_key</c>); no header is no result. Keys are read
/// from the live options, so added or revoked keys apply on the next request without a restart.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory logger, UrlEncoder encoder,
    IOptionsMonitor<AuthenticationOptions> options, ApiKeyIndex keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = options.CurrentValue;
        var values = Request.Headers[settings.ApiKeyHeader];
        if (values.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (values.Count > 1 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.Fail($"Send one non-empty {settings.ApiKeyHeader} header."));
        }

        if (keys.FindTenant(settings, values[0]!) is not { } tenant)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not known."));
        }

        var identity = new ClaimsIdentity([new Claim(settings.TenantClaim, tenant)], SchemeName, nameType: settings.TenantClaim, roleType: null);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await (result.Failure is { } failure
            ? AuthenticationProblems.WriteAsync(Context, GatewayProblems.InvalidApiKey, failure.Message)
            : AuthenticationProblems.WriteAsync(Context, GatewayProblems.MissingToken, "This route requires a bearer token or an API key."));
    }
}
