namespace Gateway.Simulator;

/// <summary>The <c>simulate</c> command.</summary>
public static class SimulateCommand
{
    public static int Run(string[] args) => throw new NotImplementedException("simulate: not built yet");
}
