namespace Gateway.LoadTests.Race;

/// <summary>How a client waits for its job: sleeps a fixed time and reads once, or waits on the job token.</summary>
internal enum RaceClient
{
    Sleeping,
    Polling,
}
