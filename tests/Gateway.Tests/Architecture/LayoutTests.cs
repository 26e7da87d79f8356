using System.Text.RegularExpressions;

namespace Gateway.Tests.Architecture;

/// <summary>
/// The layout of <c>src/Gateway</c>: one folder per feature, no folders that use each other in a circle, and only
/// <c>Program.cs</c> on top of <c>Hosting/</c>, which composes the rest.
/// </summary>
public sealed class LayoutTests
{
    private static readonly string SourceRoot = Path.Combine(RepoLayout.Root, "src", "Gateway");

    [Fact]
    public void FolderDependencies_HaveNoCycle()
    {
        var graph = SourceDependencies.Read(SourceRoot);

        var cycle = SourceDependencies.FindCycle(graph);

        Assert.True(cycle is null, $"src/Gateway's folders use each other in a circle: {string.Join(" -> ", cycle ?? [])}.\n{Describe(graph)}");
    }

    [Fact]
    public void Hosting_IsUsedByProgramOnly()
    {
        var graph = SourceDependencies.Read(SourceRoot);

        var users = graph.Where(node => node.Value.Contains("Hosting")).Select(node => node.Key).ToList();

        Assert.Equal([SourceDependencies.Program], users);
    }

    [Fact]
    public void Read_FindsTheFeatureFolders()
    {
        var graph = SourceDependencies.Read(SourceRoot);

        // A reader that found nothing would pass the tests above; these edges are known to exist.
        Assert.Contains("Hosting", graph[SourceDependencies.Program]);
        Assert.Contains("UpstreamFeedback", graph["LoadBalancing"]);
        Assert.Contains("Authentication", graph["Admission"]);
        Assert.Empty(graph["Metrics"]);
    }

    [Fact]
    public void FindCycle_GraphWithACycle_ReturnsItsPath()
    {
        var graph = new Dictionary<string, SortedSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A", "D"],
            ["D"] = [],
        };

        Assert.Equal(["A", "B", "C", "A"], SourceDependencies.FindCycle(graph));
        graph["C"].Remove("A");
        Assert.Null(SourceDependencies.FindCycle(graph));
    }

    [Theory]
    [InlineData("using Gateway.Admission;\nnamespace Gateway.Fleet;", "Admission")]
    [InlineData("namespace Gateway.Fleet;\nclass C { global::Gateway.Admission.X x; }", "Admission")]
    [InlineData("namespace Gateway.Fleet;\n/// <see cref=\"Gateway.Admission.X\"/>\nclass C { }", "Admission")]
    [InlineData("namespace Gateway.Fleet;\nclass C { string s = \"Gateway.Admission.X\"; }", "")]
    [InlineData("namespace Gateway.Fleet;\nclass C { string s = $\"{string.Join(\", \", x)} Gateway.Admission.X\"; }", "")]
    [InlineData("namespace Gateway.Fleet;\n// Gateway.Admission.X\nclass C { }", "")]
    public void CodeOf_KeepsReferencesAndDropsStringsAndComments(string source, string expected)
    {
        var found = Regex.Matches(SourceDependencies.CodeOf(source), @"Gateway\.(\w+)").Select(m => m.Groups[1].Value);

        Assert.Equal(expected, string.Join(",", found));
    }

    private static string Describe(IReadOnlyDictionary<string, SortedSet<string>> graph) =>
        string.Join("\n", graph.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => $"  {n.Key} -> {string.Join(", ", n.Value)}"));
}
