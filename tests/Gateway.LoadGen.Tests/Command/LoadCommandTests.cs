using System.Collections.Concurrent;
using System.Text.Json;
using Gateway.LoadGen.Tests.Loopback;

namespace Gateway.LoadGen.Tests.Command;

public sealed class LoadCommandTests
{
    [Fact]
    public async Task RunAsync_TwoUrlsWithServiceMs_PrintsTableAndReproduceLineWritesFilesAndPairsTheSamples()
    {
        var seen = new ConcurrentBag<(string Path, string Ms)>();
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            seen.Add((context.Request.Path, context.Request.Query["ms"].ToString()));
            context.Response.Headers["Server-Timing"] = "app;dur=1";
            return Task.CompletedTask;
        });
        var json = Path.GetTempFileName();
        var markdown = Path.GetTempFileName();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        try
        {
            var exit = await LoadCommand.RunAsync(
                ["--url", server.Url("/a").ToString(), "--url", server.Url("/b").ToString(), "--rate", "100", "--arrival", "constant", "--duration", "1s",
                 "--service-ms", "exp:mean=20ms", "--json", json, "--markdown", markdown],
                stdout, stderr, interactive: false, CancellationToken.None);

            Assert.Equal(0, exit);
            var text = stdout.ToString();
            Assert.Contains("| target | requests | 2xx |", text);
            Assert.Contains($"| {server.Url("/a")} | 100 | 100 | 0 |", text);
            Assert.Contains($"| {server.Url("/b")} | 100 | 100 | 0 |", text);
            Assert.Contains("queueing mean ms", text);
            Assert.Contains($"Reproduce: loadtests/run.sh load --url {server.Url("/a")} --url {server.Url("/b")} --rate 100 --arrival constant --duration 1s", text);
            Assert.Contains("--service-ms exp:mean=20ms", text);

            // Not a terminal: no live status line, only the final summary.
            var err = stderr.ToString();
            Assert.DoesNotContain("\r", err);
            Assert.StartsWith("load: 100 arrivals x 2 target(s)", err);

            // Four untimed warm-up requests per URL, without ?ms=; then every arrival's service time went to both URLs.
            Assert.Equal(8, seen.Count(s => s.Ms.Length == 0));
            var a = seen.Where(s => s.Path == "/a" && s.Ms.Length > 0).Select(s => s.Ms).Order().ToArray();
            Assert.Equal(100, a.Length);
            Assert.Equal(a, seen.Where(s => s.Path == "/b" && s.Ms.Length > 0).Select(s => s.Ms).Order());
            Assert.True(a.Distinct().Count() > 50);

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            Assert.Equal(2, document.RootElement.GetProperty("targets").GetArrayLength());
            Assert.Equal(100, document.RootElement.GetProperty("targets")[1].GetProperty("records").GetArrayLength());
            Assert.Contains("Reproduce: loadtests/run.sh load", await File.ReadAllTextAsync(markdown));
        }
        finally
        {
            File.Delete(json);
            File.Delete(markdown);
        }
    }

    [Fact]
    public async Task RunAsync_Interactive_DrawsAStatusLineOnStderr()
    {
        await using var server = await LoopbackServer.StartAsync(_ => Task.CompletedTask);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        await LoadCommand.RunAsync(["--url", server.Url("/").ToString(), "--rate", "50", "--duration", "1500ms"], stdout, stderr, interactive: true, CancellationToken.None);

        Assert.Matches(@"\rload +\d+\.\ds  sent \d+ \(\d+/s\)  in flight \d+  errors 0  p99 [\d.]+ ms", stderr.ToString());
    }

    [Fact]
    public void Help_NamesEveryOptionAndItsDefault()
    {
        var help = CommandLineRoot.HelpOf(LoadCommand.Create());

        Assert.Contains("loadtests/run.sh load [options]", help);
        foreach (var option in new[] { "--url", "--rate", "--phases", "--arrival", "--duration", "--drain", "--requests", "--header", "--service-ms", "--capture", "--timeout", "--seed", "--json", "--markdown" })
        {
            Assert.Contains(option + " <", help);
        }

        Assert.Contains("[default: 60s]", help);
        Assert.Contains("[default: poisson]", help);
    }

    [Theory]
    [InlineData(new[] { "load", "--url", "http://127.0.0.1:9/", "--rate", "fast" }, "loadtests: --rate must be a number")]
    [InlineData(new[] { "load", "--url", "http://127.0.0.1:9/", "--rate", "5", "--phases", "5:1s" }, "loadtests: give either --rate or --phases")]
    [InlineData(new[] { "load", "--bogus", "1" }, "loadtests: Unrecognized command or argument '--bogus'")]
    [InlineData(new[] { "nonsense" }, "loadtests: Unrecognized command or argument 'nonsense'")]
    public async Task InvokeAsync_BadCommandLine_NamesTheProblemAndExits2(string[] args, string expected)
    {
        using var stderr = new StringWriter();
        var root = CommandLineRoot.Create("", [LoadCommand.Create()]);

        var exit = await CommandLineRoot.InvokeAsync(root, args, TextWriter.Null, stderr);

        Assert.Equal(2, exit);
        Assert.StartsWith(expected, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_NoCommand_ListsTheCommandsOnStderrAndExits2()
    {
        using var stderr = new StringWriter();
        var root = CommandLineRoot.Create("the scenarios", [LoadCommand.Create()]);

        Assert.Equal(2, await CommandLineRoot.InvokeAsync(root, [], TextWriter.Null, stderr));
        Assert.Contains("load", stderr.ToString());
        Assert.Contains("the scenarios", stderr.ToString());
    }

    [Fact]
    public async Task RunAsync_BadOption_ThrowsArgumentException() =>
        await Assert.ThrowsAsync<ArgumentException>(() =>
            LoadCommand.RunAsync(["--url", "http://127.0.0.1:9/", "--rate", "fast"], TextWriter.Null, TextWriter.Null, interactive: false, CancellationToken.None));
}
