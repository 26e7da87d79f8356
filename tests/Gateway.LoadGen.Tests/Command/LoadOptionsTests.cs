namespace Gateway.LoadGen.Tests.Command;

public sealed class LoadOptionsTests
{
    [Fact]
    public void Parse_EveryOption_IsSetAndShapesThePlan()
    {
        var options = LoadOptions.Parse(
        [
            "--url", "http://127.0.0.1:5000/api/x", "--url", "http://127.0.0.1:5001/api/x",
            "--phases", "50:10s,50-200:30s,200:10s", "--arrival", "constant", "--duration", "45s", "--drain", "5s",
            "--requests", "5000", "--header", "Authorization: Bearer abc", "--service-ms", "exp:mean=20ms",
            "--capture", "X-Demo-Queue-Ms", "--json", "out.json", "--markdown", "out.md", "--seed", "7", "--timeout", "2s",
        ]);

        var plan = options.ToPlan();
        Assert.Equal(2, options.ToTargets().Count);
        Assert.Equal(ArrivalProcess.Constant, plan.Arrivals);
        Assert.Equal(5000, plan.MaxRequests);
        Assert.Equal(TimeSpan.FromSeconds(50), plan.MaxDuration);
        Assert.Equal(7, plan.Seed);
        Assert.Equal(TimeSpan.FromSeconds(2), plan.RequestTimeout);
        Assert.Equal([new KeyValuePair<string, string>("Authorization", "Bearer abc")], plan.Headers);
        Assert.Equal(["X-Demo-Queue-Ms"], plan.CaptureHeaders);
        Assert.Equal(("out.json", "out.md"), (options.JsonPath, options.MarkdownPath));

        // The phases are cut at --duration, the last one part-way.
        Assert.Equal(
            [LoadPhase.Steady(50, TimeSpan.FromSeconds(10)), new LoadPhase(50, 200, TimeSpan.FromSeconds(30)), LoadPhase.Steady(200, TimeSpan.FromSeconds(5))],
            plan.Phases);
    }

    [Fact]
    public void Parse_RateOnly_OneSteadyPhaseForTheDefaultDuration()
    {
        var plan = LoadOptions.Parse(["--url", "http://127.0.0.1:5000/", "--rate", "200"]).ToPlan();

        Assert.Equal([LoadPhase.Steady(200, TimeSpan.FromSeconds(60))], plan.Phases);
        Assert.Equal(100_000, plan.MaxRequests);
        Assert.Equal(TimeSpan.FromSeconds(70), plan.MaxDuration);
        Assert.Equal(ArrivalProcess.Poisson, plan.Arrivals);
        Assert.Null(plan.PathAndQuery);
    }

    [Fact]
    public void ToPlan_ServiceMs_AddsASeededSampleAsTheQuery()
    {
        string[] args = ["--url", "http://127.0.0.1:5000/api/x", "--rate", "10", "--service-ms", "const:12.5ms"];

        Assert.Equal("?ms=12.5", LoadOptions.Parse(args).ToPlan().PathAndQuery!(0));

        string[] exp = ["--url", "http://127.0.0.1:5000/", "--rate", "10", "--service-ms", "exp:mean=20ms", "--seed", "3"];
        var first = Enumerable.Range(0, 5).Select(i => LoadOptions.Parse(exp).ToPlan().PathAndQuery!).First();
        var again = LoadOptions.Parse(exp).ToPlan().PathAndQuery!;
        var samples = Enumerable.Range(0, 5).Select(i => first(i)).ToArray();
        Assert.Equal(samples, Enumerable.Range(0, 5).Select(i => again(i)));
        Assert.All(samples, s => Assert.Matches(@"^\?ms=\d+(\.\d{1,3})?$", s));
        Assert.True(samples.Distinct().Count() > 1);
    }

    [Theory]
    [InlineData("--url", "not-a-url", "--url")]
    [InlineData("--url", "ftp://x/", "--url")]
    [InlineData("--rate", "0", "--rate")]
    [InlineData("--rate", "-5", "--rate")]
    [InlineData("--rate", "abc", "--rate")]
    [InlineData("--phases", "50", "--phases")]
    [InlineData("--phases", "50:10", "--phases")]
    [InlineData("--phases", "a-b:10s", "--phases")]
    [InlineData("--phases", "10:1s,,20:1s", "--phases")]
    [InlineData("--arrival", "bursty", "--arrival")]
    [InlineData("--duration", "10", "--duration")]
    [InlineData("--duration", "0s", "--duration")]
    [InlineData("--drain", "soon", "--drain")]
    [InlineData("--timeout", "-1s", "--timeout")]
    [InlineData("--requests", "0", "--requests")]
    [InlineData("--requests", "many", "--requests")]
    [InlineData("--seed", "1.5", "--seed")]
    [InlineData("--header", "no colon", "--header")]
    [InlineData("--header", ": empty name", "--header")]
    [InlineData("--service-ms", "exp:mean=oops", "--service-ms")]
    [InlineData("--bogus", "1", "--bogus")]
    [InlineData("--seed", null, "--seed")]
    public void Parse_BadOption_ThrowsArgumentExceptionNamingIt(string option, string? value, string named)
    {
        string[] args = value is null ? ["--url", "http://127.0.0.1:5000/", "--rate", "10", option] : ["--url", "http://127.0.0.1:5000/", "--rate", "10", option, value];
        if (option == "--rate")
        {
            args = ["--url", "http://127.0.0.1:5000/", option, value!];
        }

        var error = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(args));

        Assert.Contains(named, error.Message);
    }

    [Theory]
    [InlineData(new[] { "--rate", "10" }, "--url")]
    [InlineData(new[] { "--url", "http://127.0.0.1:5000/" }, "--rate")]
    [InlineData(new[] { "--url", "http://127.0.0.1:5000/", "--rate", "10", "--phases", "10:1s" }, "--phases")]
    public void Parse_MissingOrConflicting_ThrowsNamingTheOption(string[] args, string named) =>
        Assert.Contains(named, Assert.Throws<ArgumentException>(() => LoadOptions.Parse(args)).Message);

    [Fact]
    public void ToCommandLine_ParsedBack_GivesTheSamePlan()
    {
        var options = LoadOptions.Parse(
        [
            "--url", "http://127.0.0.1:5000/api/x?a=1", "--phases", "0-100:1500ms,100:2s", "--requests", "900",
            "--header", "Authorization: Bearer abc", "--service-ms", "exp:mean=20ms", "--capture", "X-Demo-Queue-Ms", "--seed", "4",
        ]);

        var line = options.ToCommandLine();
        var reparsed = LoadOptions.Parse(ShellWords(line));

        Assert.Contains("'Authorization: Bearer abc'", line);
        Assert.Contains("'http://127.0.0.1:5000/api/x?a=1'", line);
        Assert.Equal(line, reparsed.ToCommandLine());
        Assert.Equal(options.ToPlan().Phases, reparsed.ToPlan().Phases);
        Assert.Equal(options.ToPlan().PathAndQuery!(0), reparsed.ToPlan().PathAndQuery!(0));
    }

    // Enough of a POSIX shell's word splitting for single-quoted words.
    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line)
        {
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    words.Add(word.ToString());
                }

                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }

        if (any)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }
}
