using Gateway.Metrics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>Registers authentication (JWT bearer and API keys) when it is configured, and its checks and metrics always.</summary>
internal static class AuthenticationServiceCollectionExtensions
{
    /// <summary>The default scheme when authentication is on: a policy scheme choosing JWT or API key per request.</summary>
    public const string GatewayScheme = "Gateway";

    public static IServiceCollection AddGatewayAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<AuthenticationOptions>, AuthenticationOptionsValidator>();
        services.AddFeatureMetrics<AuthenticationMetrics>();

        // Authentication is on only when a signing key or an API key is configured; otherwise nothing authenticates and a
        // caller's Authorization header passes through to the upstream untouched. Off, ASP.NET Core's authentication and
        // authorization services are not registered at all, so the host does not put their two middlewares (and a
        // service scope) in front of every request. On, the gateway's scheme forwards to the JWT scheme for a bearer
        // token (when keys can check one) and to the API-key scheme otherwise. Decided at start-up, as the default
        // scheme always was; the validated options report any bad value in the section.
        var authentication = configuration.GetSection(AuthenticationOptions.SectionName).Get<AuthenticationOptions>() ?? new();
        if (!authentication.Enabled)
        {
            return services;
        }

        services.AddAuthentication(GatewayScheme)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(GatewayScheme, GatewayScheme, _ => { });
        services.AddAuthorization();
        services.AddOptions<PolicySchemeOptions>(GatewayScheme).Configure<IOptionsMonitor<AuthenticationOptions>>((policy, gateway) =>
            policy.ForwardDefaultSelector = context =>
                gateway.CurrentValue.HasSigningKey
                && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthenticationOptions>, TimeProvider, IServiceProvider>((jwt, gateway, time, services) =>
            {
                var settings = gateway.Value;
                jwt.ConfigurationManager = CreateKeyManager(settings, services);
                jwt.MapInboundClaims = false;
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new CachingTokenHandler(settings.TokenCacheSize, time));
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    IssuerSigningKeys = SigningKeys.Load(settings, failures: []),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    // A discovery document names the issuer its keys sign for; the handler requires it (or Issuer).
                    ValidateIssuer = settings.Issuer is not null || settings.MetadataAddress is not null,
                    ValidIssuer = settings.Issuer,
                    ValidateAudience = settings.Audience is not null,
                    ValidAudience = settings.Audience,
                    ClockSkew = settings.ClockSkew,
                };
                jwt.Events = new JwtBearerEvents { OnChallenge = TokenChallenge.WriteAsync };
            });
        services.AddHttpClient(SigningKeysDocumentRetriever.HttpClientName, client =>
            {
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Gateway");
                client.MaxResponseContentBufferSize = MaxKeyDocumentBytes;
            })
            .AddStandardResilienceHandler(ConfigureKeyFetches);
        services.AddHostedService<SigningKeysWarmup>();
        services.AddSingleton<ApiKeyIndex>();
        return services;
    }

    /// <summary>
    /// The fetched keys, refreshed every <c>KeyRefreshInterval</c> and when a token names an unknown <c>kid</c> (at most
    /// once per <c>KeyRefreshMinimumInterval</c>); a failed refresh keeps the keys fetched before, a successful one drops
    /// withdrawn keys. Null without a URL.
    /// </summary>
    private static ConfigurationManager<OpenIdConnectConfiguration>? CreateKeyManager(AuthenticationOptions settings, IServiceProvider services)
    {
        if (settings.RemoteKeysAddress is not { } address)
        {
            return null;
        }

        IConfigurationRetriever<OpenIdConnectConfiguration> reader = settings.MetadataAddress is not null
            ? new OpenIdConnectConfigurationRetriever()
            : new JwksRetriever();
        var documents = new SigningKeysDocumentRetriever(
            services.GetRequiredService<IHttpClientFactory>(), settings.RequireHttpsMetadata, services.GetRequiredService<AuthenticationMetrics>(),
            services.GetRequiredService<ILogger<SigningKeysDocumentRetriever>>());
        return new ConfigurationManager<OpenIdConnectConfiguration>(address.AbsoluteUri, reader, documents)
        {
            AutomaticRefreshInterval = settings.KeyRefreshInterval,
            RefreshInterval = settings.KeyRefreshMinimumInterval,

            // IdentityModel would otherwise keep accepting a key the provider withdrew for an hour ("last known good"
            // configurations), which defeats revoking a leaked key. A provider that is down is another matter: the
            // manager keeps the keys it has until a fetch succeeds.
            UseLastKnownGoodConfiguration = false,
        };
    }

    /// <summary>
    /// The standard handler's retries and circuit breaker, with shorter timeouts than its 30 s total: until keys are first
    /// fetched, bearer requests wait for the fetch.
    /// </summary>
    private static void ConfigureKeyFetches(HttpStandardResilienceOptions resilience)
    {
        resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(3);
        resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(10);
    }

    private const int MaxKeyDocumentBytes = 1024 * 1024;
}
