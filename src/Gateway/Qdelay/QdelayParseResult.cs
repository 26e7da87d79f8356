namespace Gateway.Qdelay;

/// <summary>A parsed qdelay, or why it was refused. <see cref="Clamped"/> says it was lowered to the maximum.</summary>
internal sealed record QdelayParseResult(QdelaySpec? Spec, string? Error, bool Clamped)
{
    public static QdelayParseResult Ok(QdelaySpec spec, bool clamped) => new(spec, null, clamped);

    public static QdelayParseResult Fail(string error) => new(null, error, false);
}
