using System.Text.RegularExpressions;

namespace Gateway.Tests.Architecture;

/// <summary>The README's Layout section describes the code as it is: its request flow is MapGateway's pipeline, step for step.</summary>
public sealed partial class ReadmeLayoutTests
{
    [Fact]
    public void RequestFlow_MatchesMapGatewaysPipelineLineForLine()
    {
        var pipeline = PipelineSteps().Matches(File.ReadAllText(Path.Combine(
            RepoLayout.Root, "src", "Gateway", "Hosting", "GatewayEndpointRouteBuilderExtensions.cs"))).Select(m => m.Groups["step"].Value).ToList();

        var readme = FlowSteps().Matches(LayoutSection()).Select(m => m.Groups["step"].Value).ToList();

        Assert.True(pipeline.Count >= 5, $"MapGateway's pipeline has {pipeline.Count} pipeline.Use… lines");
        Assert.Equal(pipeline, readme);
    }

    [Fact]
    public void FolderList_NamesEverySourceFolder()
    {
        var folders = Directory.GetDirectories(Path.Combine(RepoLayout.Root, "src", "Gateway"))
            .Select(d => Path.GetFileName(d)!).Where(f => f is not ("bin" or "obj")).Order(StringComparer.Ordinal).ToList();

        var listed = FolderRows().Matches(LayoutSection()).Select(m => m.Groups["folder"].Value).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(folders, listed);
    }

    private static string LayoutSection()
    {
        var readme = File.ReadAllText(Path.Combine(RepoLayout.Root, "README.md"));
        var start = readme.IndexOf("\n## Layout\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Layout' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    [GeneratedRegex(@"^\s*pipeline\.(?<step>Use\w+)\(", RegexOptions.Multiline)]
    private static partial Regex PipelineSteps();

    [GeneratedRegex(@"^\d+\. `(?<step>Use\w+)`", RegexOptions.Multiline)]
    private static partial Regex FlowSteps();

    [GeneratedRegex(@"^\| `(?<folder>\w+)/` \|", RegexOptions.Multiline)]
    private static partial Regex FolderRows();
}
