using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Gateway.Authentication;

/// <summary>
/// Fetches remote signing keys (<c>Gateway:Authentication:MetadataAddress</c> or <c>JwksUrl</c>) as the gateway starts,
/// so the first bearer request does not wait for them. In the background: an identity provider that is down must not
/// keep the gateway (and its API-key and anonymous routes) from starting; the configuration manager tries again on
/// the next token, and <see cref="SigningKeysDocumentRetriever"/> logs the failure.
/// </summary>
internal sealed class SigningKeysWarmup(IOptionsMonitor<JwtBearerOptions> jwt) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (jwt.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager is { } keys)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await keys.GetConfigurationAsync(CancellationToken.None);
                }
                catch (InvalidOperationException)
                {
                    // Already logged per document; a request retries.
                }
            }, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
