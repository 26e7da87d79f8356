namespace Gateway.Testing;

/// <summary>Finds the repository and the built apps, in the same configuration as this test assembly.</summary>
public static class RepoLayout
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";

    public static string GatewayDll => App("Gateway");

    public static string DemoUpstreamDll => App("DemoUpstream");

    private static string App(string name)
    {
        var path = Path.Combine(Root, "src", name, "bin", Configuration, "net10.0", name + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; run ./test.sh or dotnet build first.", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}
