namespace Gateway.Qdelay;

/// <summary>Where a qdelay came from: the <c>source</c> label of <c>gateway_qdelay_requests_total</c>.</summary>
internal static class QdelaySources
{
    public const string Token = "token";
    public const string Header = "header";
    public const string Baggage = "baggage";
}
