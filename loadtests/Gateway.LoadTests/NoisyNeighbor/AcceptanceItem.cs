namespace Gateway.LoadTests.NoisyNeighbor;

/// <summary>One line of the issue's acceptance, with the figures behind the verdict.</summary>
internal sealed record AcceptanceItem(bool Passed, string Text)
{
    public override string ToString() => $"{(Passed ? "PASS" : "FAIL")} {Text}";
}
