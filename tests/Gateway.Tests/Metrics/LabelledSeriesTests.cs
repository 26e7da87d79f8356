using System.Text;
using Gateway.Metrics;
using Prometheus;

namespace Gateway.Tests.Metrics;

public sealed class LabelledSeriesTests
{
    [Fact]
    public async Task Indexer_PastTheLimit_DropsNewSeriesAndCountsThem_ButKeepsRecordingKnownOnes()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var counter = factory.CreateCounter("test_total", "Test.", ["destination"]);
        var series = new LabelledSeries<string, Counter.Child>(new SeriesLimit(factory, () => 2), d => counter.WithLabels(d));

        series["a"]?.Inc();
        series["b"]?.Inc();
        var third = series["c"];
        series["a"]?.Inc();
        series["d"]?.Inc();

        Assert.Null(third);
        var text = await ExposeAsync(registry);
        Assert.Contains("test_total{destination=\"a\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("test_total{destination=\"b\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("destination=\"c\"", text, StringComparison.Ordinal);
        Assert.Contains("metrics_exposition_series_dropped_total 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Indexer_MetricsOff_KeepsNoSeriesAndCountsNoDrops()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var counter = factory.CreateCounter("test_total", "Test.", ["destination"]);
        var created = 0;
        var series = new LabelledSeries<string, Counter.Child>(
            new SeriesLimit(factory, () => 2, recording: () => false), d => { created++; return counter.WithLabels(d); });

        var child = series["a"];

        Assert.Null(child);
        Assert.Equal(0, created);
        var text = await ExposeAsync(registry);
        Assert.DoesNotContain("destination=\"a\"", text, StringComparison.Ordinal);
        Assert.Contains("metrics_exposition_series_dropped_total 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_SeriesMissingFromTheNextRead_IsRemovedNotLeftAtItsLastValue()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var gauge = new ScrapedGauge(Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge("test_inflight", "Test.", ["destination"]));

        gauge.Publish([(["a"], 3), (["b"], 1)]);
        var before = await ExposeAsync(registry);
        gauge.Publish([(["a"], 4)]);
        var after = await ExposeAsync(registry);

        Assert.Contains("test_inflight{destination=\"b\"} 1\n", before, StringComparison.Ordinal);
        Assert.Contains("test_inflight{destination=\"a\"} 4\n", after, StringComparison.Ordinal);
        Assert.DoesNotContain("destination=\"b\"", after, StringComparison.Ordinal);
    }

    private static async Task<string> ExposeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
