namespace Gateway.Authentication;

/// <summary>The <c>outcome</c> label of <c>gateway_signing_keys_fetches_total</c>.</summary>
internal static class SigningKeysFetchOutcomes
{
    public const string Fetched = "fetched";
    public const string Failed = "failed";
}
