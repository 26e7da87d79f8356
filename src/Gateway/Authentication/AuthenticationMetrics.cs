using Prometheus;

namespace Gateway.Authentication;

/// <summary>
/// Refused credentials and signing-key fetches. Both are bounded by construction: reasons and outcomes are the
/// gateway's own constants. Names, labels and help texts are a contract (see README, Metrics).
/// </summary>
internal sealed class AuthenticationMetrics(IMetricFactory factory)
{
    private readonly Counter _authRejected = factory.CreateCounter(
        "gateway_auth_rejected_total", "Requests refused with 401, by reason: missing_token, invalid_token, expired_token.", ["reason"]);

    private readonly Counter _signingKeysFetches = factory.CreateCounter(
        "gateway_signing_keys_fetches_total", "Key documents fetched from MetadataAddress or JwksUrl (or its jwks_uri), by outcome: fetched, failed.", ["outcome"]);

    public void RecordAuthRejected(string reason) => _authRejected.WithLabels(reason).Inc();

    public void RecordSigningKeysFetch(string outcome) => _signingKeysFetches.WithLabels(outcome).Inc();
}
