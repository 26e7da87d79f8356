using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.Authentication;

/// <summary>
/// The proxy pipeline's authentication step: rejects a presented credential that failed validation (even where the
/// route allows anonymous callers, so a bad token never passes silently as "no delay"), and takes the caller's tenant
/// from the validated token or API key. In the pipeline only when authentication is configured.
/// </summary>
internal sealed class GatewayAuthenticationMiddleware(RequestDelegate next, IOptionsMonitor<AuthenticationOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync();
        if (result.Failure is not null)
        {
            await context.ChallengeAsync();
            return;
        }

        if (result.Succeeded)
        {
            // The host's authentication middleware already made it the request's user; the steps after this one read it there.
            context.User = result.Principal;
            if (result.Principal.FindFirst(options.CurrentValue.TenantClaim)?.Value is { } tenant)
            {
                context.Features.Set(new TenantFeature(tenant));
            }
        }

        await next(context);
    }
}
