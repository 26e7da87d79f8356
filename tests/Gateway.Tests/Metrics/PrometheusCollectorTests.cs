using System.Diagnostics.Metrics;
using Gateway.Tests.Integration.Prometheus;
using MetricsExposition;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Metrics;

/// <summary>
/// The exposition on its own: instruments on a meter unique to each test, written by a real collector,
/// read back by a strict parser and by promtool.
/// </summary>
public sealed class PrometheusCollectorTests : IDisposable
{
    private readonly Meter _meter = new($"test.{Guid.NewGuid():N}");
    private readonly PrometheusCollector _collector;

    public PrometheusCollectorTests()
    {
        var options = new PrometheusExpositionOptions { MaxSeriesPerMetric = 3 };
        options.Meters.Clear();
        options.Meters.Add(_meter.Name);
        _collector = new PrometheusCollector(options);
    }

    [Fact]
    public async Task LabelValuesWithQuotesBackslashesAndNewlines_AreEscaped_AndReadBackUnchanged()
    {
        const string Nasty = "a\"b\\c\nd";
        var counter = _meter.CreateCounter<long>("test.escape", "{request}", "Help with a backslash \\ and a\nnewline.");
        counter.Add(1, new KeyValuePair<string, object?>("path", Nasty));

        var text = _collector.Collect();

        Assert.Contains("test_escape_total{path=\"a\\\"b\\\\c\\nd\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP test_escape_total Help with a backslash \\\\ and a\\nnewline.\n", text, StringComparison.Ordinal);
        var exposition = Exposition.Parse(text);
        Assert.Equal(Nasty, Assert.Single(exposition.Samples, s => s.Name == "test_escape_total").Labels["path"]);
        Assert.Equal("Help with a backslash \\ and a\nnewline.", exposition.Help["test_escape_total"]);
        var (exitCode, output) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public void Names_FollowPrometheusConventions_UnitSuffixTotalAndSanitizedLabels()
    {
        _meter.CreateCounter<long>("test.requests", "{request}").Add(2, new KeyValuePair<string, object?>("http.route", "/x"));
        _meter.CreateHistogram<double>("test.request.duration", "s").Record(0.2);
        _meter.CreateUpDownCounter<long>("test.open", "By").Add(5);
        _meter.CreateUpDownCounter<long>("test.item.count", "{item}").Add(1);

        var exposition = Exposition.Parse(_collector.Collect());

        Assert.Equal("counter", exposition.Types["test_requests_total"]);
        Assert.Equal(2, exposition.Value("test_requests_total", ("http_route", "/x")));
        Assert.Equal("histogram", exposition.Types["test_request_duration_seconds"]);
        Assert.Equal("gauge", exposition.Types["test_open_bytes"]);

        // A gauge must not end like a histogram part: "_count" would read as one in PromQL.
        Assert.Equal("gauge", exposition.Types["test_item_count_value"]);
        Assert.Equal("test.requests ({request}) from meter " + _meter.Name + ".", exposition.Help["test_requests_total"]);
    }

    [Fact]
    public void Histogram_IsCumulative_WithInfBucketEqualToCountAndExactSum()
    {
        var histogram = _meter.CreateHistogram("test.wait", "s", "Wait.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });
        foreach (var value in new[] { 0.05, 0.1, 0.5, 2, 20, 30 })
        {
            histogram.Record(value);
        }

        histogram.Record(double.NaN); // Ignored: it would poison _sum for good.

        var exposition = Exposition.Parse(_collector.Collect());

        Assert.Equal(2, exposition.Value("test_wait_seconds_bucket", ("le", "0.1"))); // le is "less than or equal".
        Assert.Equal(3, exposition.Value("test_wait_seconds_bucket", ("le", "1")));
        Assert.Equal(4, exposition.Value("test_wait_seconds_bucket", ("le", "10")));
        Assert.Equal(6, exposition.Value("test_wait_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(6, exposition.Value("test_wait_seconds_count"));
        Assert.Equal(52.65, exposition.Value("test_wait_seconds_sum"), precision: 9);
    }

    [Fact]
    public void HistogramWithoutAdvice_InSeconds_GetsTheLatencyBuckets()
    {
        _meter.CreateHistogram<double>("test.latency", "s").Record(0.0004);

        var exposition = Exposition.Parse(_collector.Collect());

        var bounds = exposition.Samples.Where(s => s.Name == "test_latency_seconds_bucket").Select(s => s.Labels["le"]).ToList();
        Assert.Equal(["0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "+Inf"], bounds);
        Assert.Equal(1, exposition.Value("test_latency_seconds_bucket", ("le", "0.0005")));
    }

    [Fact]
    public void SameTagsInAnotherOrderOrAsAnotherNumberType_AreOneSeries()
    {
        var counter = _meter.CreateCounter<long>("test.hits");
        counter.Add(1, new("a", "x"), new("code", 200));
        counter.Add(1, new("code", 200), new("a", "x"));
        counter.Add(1, new("a", "x"), new("code", 200L));

        var exposition = Exposition.Parse(_collector.Collect());

        var sample = Assert.Single(exposition.Samples, s => s.Name == "test_hits_total");
        Assert.Equal(3, sample.Value);
        Assert.Equal("200", sample.Labels["code"]);
    }

    [Fact]
    public void SeriesPastTheLimit_AreDroppedAndCounted()
    {
        var counter = _meter.CreateCounter<long>("test.tenants");
        for (var i = 0; i < 5; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("tenant", $"t{i}"));
        }

        counter.Add(1, new KeyValuePair<string, object?>("tenant", "t0"));

        var exposition = Exposition.Parse(_collector.Collect());

        Assert.Equal(3, exposition.Samples.Count(s => s.Name == "test_tenants_total"));
        Assert.Equal(2, exposition.Value("test_tenants_total", ("tenant", "t0")));
        Assert.Equal(2, exposition.Value(PrometheusCollector.DroppedSeriesMetric));
    }

    [Fact]
    public void ObservableGauge_IsReadAtScrape_AndSeriesItStopsReportingDisappear()
    {
        var destinations = new List<string> { "d1", "d2" };
        var reads = 0;
        _meter.CreateObservableGauge("test.inflight", () =>
        {
            reads++;
            return destinations.Select((d, i) => new Measurement<int>(i + 1, new KeyValuePair<string, object?>("destination", d)));
        });

        var first = Exposition.Parse(_collector.Collect());
        destinations.Remove("d1");
        var second = Exposition.Parse(_collector.Collect());

        Assert.Equal(2, reads);
        Assert.Equal(1, first.Value("test_inflight", ("destination", "d1")));
        Assert.Equal(2, first.Value("test_inflight", ("destination", "d2")));
        Assert.Equal(1, second.Value("test_inflight", ("destination", "d2")));
        Assert.DoesNotContain(second.Samples, s => s.Labels.GetValueOrDefault("destination") == "d1");
    }

    [Fact]
    public void ObservableCounter_ReportsItsRunningTotal_NotASumOfReads()
    {
        long total = 10;
        _meter.CreateObservableCounter("test.completed", () => total);

        _ = _collector.Collect();
        total = 25;
        var exposition = Exposition.Parse(_collector.Collect());

        Assert.Equal(25, exposition.Value("test_completed_total"));
    }

    [Fact]
    public void FailingObservableCallback_DoesNotBreakTheScrape()
    {
        _meter.CreateObservableGauge("test.broken", (Func<int>)(() => throw new InvalidOperationException("boom")));
        _meter.CreateCounter<long>("test.fine").Add(4);

        var exposition = Exposition.Parse(_collector.Collect());

        Assert.Equal(4, exposition.Value("test_fine_total"));
        Assert.DoesNotContain(exposition.Samples, s => s.Name.StartsWith("test_broken", StringComparison.Ordinal));
    }

    [Fact]
    public void MetersOfAnotherAppsFactory_AreIgnored_ButOwnAndGlobalMetersAreExposed()
    {
        using var ours = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var theirs = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = new PrometheusExpositionOptions();
        options.Meters.Add("Shared");
        using var collector = new PrometheusCollector(options, ours.GetRequiredService<IMeterFactory>());
        ours.GetRequiredService<IMeterFactory>().Create("Shared").CreateCounter<long>("shared.ours").Add(1);
        theirs.GetRequiredService<IMeterFactory>().Create("Shared").CreateCounter<long>("shared.theirs").Add(1);

        var exposition = Exposition.Parse(collector.Collect());

        Assert.Equal(1, exposition.Value("shared_ours_total"));
        Assert.DoesNotContain(exposition.Samples, s => s.Name == "shared_theirs_total");
        Assert.Contains(exposition.Samples, s => s.Name == "dotnet_gc_collections_total"); // The runtime's meter is global.
    }

    [Fact]
    public void ConcurrentRecording_LosesNothing()
    {
        var counter = _meter.CreateCounter<long>("test.concurrent");
        var histogram = _meter.CreateHistogram<double>("test.concurrent.duration", "s");
        Parallel.For(0, 40_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            counter.Add(1, new KeyValuePair<string, object?>("shard", i % 3));
            histogram.Record(0.001, new KeyValuePair<string, object?>("shard", i % 3));
        });

        var exposition = Exposition.Parse(_collector.Collect());

        Assert.Equal(40_000, exposition.Sum("test_concurrent_total"));
        Assert.Equal(40_000, exposition.Sum("test_concurrent_duration_seconds_count"));
        Assert.Equal(40, exposition.Sum("test_concurrent_duration_seconds_sum"), precision: 6);
    }

    public void Dispose()
    {
        _collector.Dispose();
        _meter.Dispose();
    }
}
