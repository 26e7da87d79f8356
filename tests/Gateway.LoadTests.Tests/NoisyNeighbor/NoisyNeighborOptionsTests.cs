using Gateway.LoadGen;
using Gateway.LoadTests.NoisyNeighbor;

namespace Gateway.LoadTests.Tests.NoisyNeighbor;

public sealed class NoisyNeighborOptionsTests
{
    [Fact]
    public void Parse_TheReproduceCommand_GivesBackTheSameOptions()
    {
        var options = NoisyNeighborOptions.Parse([
            "--rate", "12.5", "--burst", "30", "--share", "0.4", "--factor", "8", "--seconds", "20", "--rounds", "3", "--warmup-seconds", "0",
            "--workers", "6", "--work-ms", "40", "--slo-ms", "2000", "--max-p99-ratio", "1.5", "--patient", "0", "--seed", "7"]);

        var again = NoisyNeighborOptions.Parse(options.CommandLine["loadtests/run.sh noisy-neighbor ".Length..].Split(' '));

        Assert.Equal(options, again);
        Assert.Equal(new NoisyNeighborOptions(12.5, 30, 0.4, 8, 20, 3, 0, 6, 40, 2000, 1.5, 0, 7, "loadtests/results"), again);
    }

    [Fact]
    public void Parse_Nothing_GivesTheDocumentedDefaults()
    {
        var options = NoisyNeighborOptions.Parse([]);

        Assert.Equal(new NoisyNeighborOptions(20, 20, 0.5, 10, 30, 2, 10, 4, 50, 5000, 1.2, 5, 1, "loadtests/results"), options);
        Assert.Equal(10, options.QuietRatePerSecond);
        Assert.Equal(200, options.NoisyRatePerSecond);
        Assert.Equal(80, options.CapacityJobsPerSecond);
        Assert.Equal(50, options.AdmittedJobsPerSecond);
    }

    [Theory]
    [InlineData(new[] { "--rate", "0" }, "--rate must be 0.1 to 1000")]
    [InlineData(new[] { "--burst", "0" }, "--burst must be 1 to 100000")]
    [InlineData(new[] { "--share", "0" }, "--share must be a share")]
    [InlineData(new[] { "--share", "1.5" }, "--share must be a share")]
    [InlineData(new[] { "--factor", "1" }, "--factor must be a multiple")]
    [InlineData(new[] { "--seconds", "4" }, "--seconds must be 5 to 600")]
    [InlineData(new[] { "--rounds", "0" }, "--rounds must be 1 to 10")]
    [InlineData(new[] { "--warmup-seconds", "-1" }, "--warmup-seconds must be 0 to 120")]
    [InlineData(new[] { "--workers", "0" }, "--workers must be 1 to 256")]
    [InlineData(new[] { "--work-ms", "ten" }, "--work-ms must be 1 to 60000")]
    [InlineData(new[] { "--slo-ms", "0" }, "--slo-ms must be 1 to 3600000")]
    [InlineData(new[] { "--max-p99-ratio", "0.9" }, "--max-p99-ratio must be 1 to 100")]
    [InlineData(new[] { "--patient", "51" }, "--patient must be 0 to 50")]
    [InlineData(new[] { "--seed" }, "Required argument missing for option: '--seed'.")]
    [InlineData(new[] { "--jobs", "1" }, "Unrecognized command or argument '--jobs'")]
    [InlineData(new[] { "--rate", "300", "--workers", "256", "--work-ms", "1" }, "--rate 300 × --factor 10 = 3000 requests/s")]
    [InlineData(new[] { "--work-ms", "100" }, "--workers 4 × 1000 / --work-ms 100 = 40 jobs/s cannot take")]
    public void Parse_BadValue_ThrowsNamingTheOption(string[] args, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => NoisyNeighborOptions.Parse(args));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CapacityJustEnough_IsAccepted()
    {
        // 2 × 1000 / 50 = 40 jobs/s; A, B, C at 5/s plus D at 10/s is 25 jobs/s, under 80% of 40.
        var options = NoisyNeighborOptions.Parse(["--rate", "10", "--workers", "2"]);

        Assert.Equal(25, options.AdmittedJobsPerSecond);
    }

    [Theory]
    [InlineData(1, "Noisy,Baseline")]
    [InlineData(2, "Noisy,Baseline,Baseline,Noisy")]
    [InlineData(3, "Noisy,Baseline,Baseline,Noisy,Noisy,Baseline")]
    public void Order_IsCounterbalanced_NoisyFirst(int rounds, string expected)
    {
        var options = NoisyNeighborOptions.Parse(["--rounds", rounds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.Equal(expected, string.Join(',', options.Order));
    }

    [Theory]
    [InlineData(0, "WarmUp")]
    [InlineData(9.999, "WarmUp")]
    [InlineData(10, "Noisy")]
    [InlineData(39.9, "Noisy")]
    [InlineData(40, "Baseline")]
    [InlineData(99.9, "Baseline")]
    [InlineData(100, "Noisy")]
    [InlineData(129.9, "Noisy")]
    [InlineData(500, "Noisy")]
    public void PhaseAt_SplitsTheRunAtPhaseEnds_AndKeepsTheLastPhasePastTheEnd(double seconds, string expected)
    {
        Assert.Equal(expected, NoisyNeighborOptions.Defaults.PhaseAt(seconds).ToString());
    }

    [Theory]
    [InlineData(5, null)]
    [InlineData(10, 0)]
    [InlineData(45, 1)]
    [InlineData(75, 2)]
    [InlineData(129.9, 3)]
    [InlineData(1000, 3)]
    public void SegmentAt_CountsPhasesAfterTheWarmUp(double seconds, int? expected)
    {
        Assert.Equal(expected, NoisyNeighborOptions.Defaults.SegmentAt(seconds));
    }

    [Fact]
    public void Help_NamesEveryOptionWithItsDefault()
    {
        var help = CommandLineRoot.HelpOf(NoisyNeighborOptions.CreateCommandLine().Command);

        foreach (var option in new[] { "--rate", "--burst", "--share", "--factor", "--seconds", "--rounds", "--warmup-seconds", "--workers", "--work-ms", "--slo-ms", "--max-p99-ratio", "--patient", "--seed", "--out" })
        {
            Assert.Contains(option + " <", help, StringComparison.Ordinal);
        }

        Assert.Contains("[default: 0.5]", help, StringComparison.Ordinal);
        Assert.Contains("[default: loadtests/results]", help, StringComparison.Ordinal);
    }
}
