using Microsoft.IdentityModel.Protocols;

namespace Gateway.Authentication;

/// <summary>
/// Fetches key documents (a discovery document, a key set) for JwtBearer's configuration manager through the
/// <see cref="HttpClientName"/> client: <see cref="IHttpClientFactory"/> with the standard resilience handler (timeouts,
/// retries with backoff, a circuit breaker). A client per fetch, so the factory's handler rotation applies to a manager
/// that lives as long as the gateway. Each document fetched or failed is counted and a failure logged; the manager keeps
/// the keys it already has.
/// </summary>
internal sealed partial class SigningKeysDocumentRetriever(
    IHttpClientFactory clients, bool requireHttps, AuthenticationMetrics metrics, ILogger<SigningKeysDocumentRetriever> logger) : IDocumentRetriever
{
    public const string HttpClientName = "Gateway.SigningKeys";

    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        try
        {
            var document = await new HttpDocumentRetriever(clients.CreateClient(HttpClientName)) { RequireHttps = requireHttps }
                .GetDocumentAsync(address, cancel);
            metrics.RecordSigningKeysFetch(SigningKeysFetchOutcomes.Fetched);
            return document;
        }
        catch (Exception ex) when (!cancel.IsCancellationRequested)
        {
            metrics.RecordSigningKeysFetch(SigningKeysFetchOutcomes.Failed);
            LogFetchFailed(address, ex.GetBaseException().Message);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching signing keys from {Address} failed; the keys fetched before stay in use: {Error}")]
    private partial void LogFetchFailed(string address, string error);
}
