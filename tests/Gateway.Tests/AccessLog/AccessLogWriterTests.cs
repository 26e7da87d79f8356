using Prometheus;
using System.Text;
using Gateway.AccessLog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServerMetrics;

namespace Gateway.Tests.AccessLog;

public sealed class AccessLogWriterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 14, 58, 20, 123, TimeSpan.Zero);

    private static AccessLogEntry Entry(string path = "/api/orders", double? app = 20.3) =>
        new("GET", path, "demo", "orders", "upstream-2", 200, 21.4, 0, 20.9, app, app is null ? null : 0.6, "ok");

    [Fact]
    public void Format_FullEntry_IsOneLineWithEveryField()
    {
        Assert.Equal(
            "2026-11-22T14:58:20.123Z GET /api/orders route=demo cluster=orders destination=upstream-2 status=200 total_ms=21.4 queue_ms=0 upstream_ms=20.9 app_ms=20.3 ulq_ms=0.6 outcome=ok retries=0\n",
            AccessLogWriter.Format(Entry(), Now));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(7, 9, 0)]
    [InlineData(999, 0, 2)]
    [InlineData(40, 30, -5)]
    public void Format_Time_IsUtcToTheMillisecondWithLeadingZeros(int millisecond, int tick, int offsetHours)
    {
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, millisecond, TimeSpan.FromHours(offsetHours)).AddTicks(tick);

        var line = AccessLogWriter.Format(Entry(), now);

        Assert.StartsWith(now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture) + " GET ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_MissingFigures_AreDashes()
    {
        var line = AccessLogWriter.Format(Entry(app: null), Now);

        Assert.Contains(" app_ms=- ulq_ms=- ", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/a b", "/a%20b")]
    [InlineData("/x\nGET /forged", "/x%0AGET%20/forged")]
    [InlineData("/tab\there\r", "/tab%09here%0D")]
    [InlineData("/del\u007f", "/del%7F")]
    [InlineData("/caf\u00e9/ok", "/caf\u00e9/ok")]
    public void Format_PathWithSpacesOrControlCharacters_IsPercentEncodedSoNoLineCanBeForged(string path, string expected)
    {
        var line = AccessLogWriter.Format(Entry(path), Now);

        Assert.Contains($" GET {expected} route=", line, StringComparison.Ordinal);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Write_ManyLines_AllArriveInOrderInWritesOfWholeLinesAtMost4KiB()
    {
        using var services = new ServiceCollection().AddServerMetrics().BuildServiceProvider();
        var output = new RecordingStream();
        var writer = new AccessLogWriter(services.GetRequiredService<IMetricFactory>(), services.GetRequiredService<CollectorRegistry>(), new FakeTimeProvider(Now), output);
        await writer.StartAsync(CancellationToken.None);

        for (var i = 0; i < 5000; i++)
        {
            writer.Write(Entry($"/orders/{i}"));
        }

        await writer.StopAsync(CancellationToken.None);

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5000, lines.Length);
        Assert.All(lines.Select((line, i) => (line, i)), x => Assert.Contains($" GET /orders/{x.i} route=", x.line, StringComparison.Ordinal));
        Assert.All(output.Writes, w => Assert.True(w.Length <= 4096 && w[^1] == (byte)'\n', $"a write of {w.Length} bytes"));
        Assert.True(output.Writes.Count < 5000 / 10, $"{output.Writes.Count} writes for 5000 lines: not batched");
        Assert.Equal(0, writer.Dropped);
    }

    [Fact]
    public async Task Write_WhenTheWriterFallsBehindByCapacity_DropsAndCountsInsteadOfBlocking()
    {
        using var services = new ServiceCollection().AddServerMetrics().BuildServiceProvider();
        var output = new RecordingStream();
        var writer = new AccessLogWriter(services.GetRequiredService<IMetricFactory>(), services.GetRequiredService<CollectorRegistry>(), new FakeTimeProvider(Now), output);

        // Not started: nothing drains, so the queue fills at Capacity.
        for (var i = 0; i < AccessLogWriter.Capacity + 10; i++)
        {
            writer.Write(Entry());
        }

        Assert.Equal(10, writer.Dropped);
        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);
        Assert.Equal(AccessLogWriter.Capacity, Encoding.UTF8.GetString(output.ToArray()).Count(c => c == '\n'));
    }

    [Fact]
    public async Task Write_AfterStandardOutputFails_CountsLinesAsDroppedAndKeepsAccepting()
    {
        using var services = new ServiceCollection().AddServerMetrics().BuildServiceProvider();
        var writer = new AccessLogWriter(services.GetRequiredService<IMetricFactory>(), services.GetRequiredService<CollectorRegistry>(), new FakeTimeProvider(Now), new BrokenStream());
        await writer.StartAsync(CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            writer.Write(Entry());
        }

        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(3, writer.Dropped);
    }

    private sealed class RecordingStream : MemoryStream
    {
        public List<byte[]> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.ToArray());
            return base.WriteAsync(buffer, cancellationToken);
        }
    }

    private sealed class BrokenStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("Broken pipe"));
    }
}
