namespace Gateway.UpstreamFeedback;

/// <summary>Values of the <c>kind</c> tag on <c>gateway.upstream.header_errors</c>.</summary>
internal static class HeaderErrorKinds
{
    public const string ServerTimingMissing = "server_timing_missing";
    public const string ServerTimingInvalid = "server_timing_invalid";
    public const string LoadReportMissing = "load_report_missing";
    public const string LoadReportInvalid = "load_report_invalid";

    public static readonly IReadOnlyList<string> All = [ServerTimingMissing, ServerTimingInvalid, LoadReportMissing, LoadReportInvalid];

    public static int IndexOf(string kind)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i] == kind)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a header error kind.");
    }
}
