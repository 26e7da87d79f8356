namespace Gateway.LoadTests.Race;

/// <summary>One job from one client: the status it acted on and how long it waited after enqueueing.</summary>
internal sealed record RaceOutcome(RaceClient Client, string StatusRead, TimeSpan Waited)
{
    public bool SawFinalState => StatusRead == "succeeded";
}
