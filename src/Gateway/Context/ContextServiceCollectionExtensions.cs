using System.Diagnostics;
using Gateway.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using AspNetAuthenticationOptions = Microsoft.AspNetCore.Authentication.AuthenticationOptions;

namespace Gateway.Context;

/// <summary>Registers the request context step: JWT bearer authentication, tracing, and the upstream header transform.</summary>
internal static class ContextServiceCollectionExtensions
{
    /// <summary>The default scheme when authentication is on: a policy scheme choosing JWT or API key per request.</summary>
    public const string GatewayScheme = "Gateway";

    public static IServiceCollection AddGatewayContext(this IServiceCollection services)
    {
        // The gateway's scheme is the default only when a signing key or an API key is configured; otherwise nothing
        // authenticates and a caller's Authorization header passes through to the upstream untouched. It forwards to
        // the JWT scheme for a bearer token (when keys can check one) and to the API-key scheme otherwise.
        services.AddAuthentication()
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(GatewayScheme, GatewayScheme, _ => { });
        services.AddOptions<PolicySchemeOptions>(GatewayScheme).Configure<LiveGatewayOptions>((policy, gateway) =>
            policy.ForwardDefaultSelector = context =>
                gateway.Current.Authentication.HasSigningKey
                && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName);
        services.AddOptions<AspNetAuthenticationOptions>().Configure<IOptions<GatewayOptions>>((authentication, gateway) =>
        {
            if (gateway.Value.Authentication.Enabled)
            {
                authentication.DefaultScheme = GatewayScheme;
            }
        });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<GatewayOptions>, TimeProvider>((jwt, gateway, time) =>
            {
                var settings = gateway.Value.Authentication;
                jwt.MapInboundClaims = false;
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new CachingTokenHandler(settings.TokenCacheSize, time));
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    IssuerSigningKeys = SigningKeys.Load(settings, failures: []),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ValidateIssuer = settings.Issuer is not null,
                    ValidIssuer = settings.Issuer,
                    ValidateAudience = settings.Audience is not null,
                    ValidAudience = settings.Audience,
                    ClockSkew = settings.ClockSkew,
                };
                jwt.Events = new JwtBearerEvents { OnChallenge = TokenChallenge.WriteAsync };
            });
        services.AddAuthorization();
        services.AddSingleton<ApiKeyIndex>();

        services.AddSingleton<GatewayTracing>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayTracing>());
        return services;
    }

    /// <summary>The propagator for upstream requests: trace headers from the current span, baggage as composed.</summary>
    public static GatewayPropagator CreatePropagator() => new(DistributedContextPropagator.Current);
}
