using System.Diagnostics;
using Gateway.Configuration;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using AspNetAuthenticationOptions = Microsoft.AspNetCore.Authentication.AuthenticationOptions;

namespace Gateway.Context;

/// <summary>Registers the request context step: JWT bearer authentication, tracing, and the upstream header transform.</summary>
internal static class ContextServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayContext(this IServiceCollection services)
    {
        // The JWT scheme is the default only when a signing key is configured; otherwise nothing authenticates
        // and a caller's Authorization header passes through to the upstream untouched.
        services.AddAuthentication().AddJwtBearer();
        services.AddOptions<AspNetAuthenticationOptions>().Configure<IOptions<GatewayOptions>>((authentication, gateway) =>
        {
            if (gateway.Value.Authentication.Enabled)
            {
                authentication.DefaultScheme = JwtBearerDefaults.AuthenticationScheme;
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

        services.AddSingleton<GatewayTracing>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayTracing>());
        return services;
    }

    /// <summary>The propagator for upstream requests: trace headers from the current span, baggage as composed.</summary>
    public static GatewayPropagator CreatePropagator() => new(DistributedContextPropagator.Current);
}
