namespace Gateway.LoadGen;

/// <summary>The <c>load</c> command: one open-loop run against one or more URLs.</summary>
public static class LoadCommand
{
    public static Task<int> RunAsync(string[] args) => throw new NotImplementedException("load: not built yet");
}
