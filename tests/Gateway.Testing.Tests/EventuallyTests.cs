namespace Gateway.Testing.Tests;

public sealed class EventuallyTests
{
    [Fact]
    public async Task TrueAsync_ConditionHoldsAfterSomeChecks_Returns()
    {
        var checks = 0;

        await Eventually.TrueAsync(() => ++checks == 3, "the third check", TimeSpan.FromSeconds(30));

        Assert.Equal(3, checks);
    }

    [Fact]
    public async Task TrueAsync_ConditionNeverHolds_ThrowsNamingWhatWasAwaited()
    {
        var thrown = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.TrueAsync(() => Task.FromResult(false), "the door opens", TimeSpan.FromMilliseconds(200)));

        Assert.StartsWith("Timed out after ", thrown.Message, StringComparison.Ordinal);
        Assert.EndsWith(" waiting until the door opens.", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValueAsync_ValueAccepted_ReturnsThatValue()
    {
        var reads = 0;

        var value = await Eventually.ValueAsync(async () =>
        {
            await Task.Yield();
            return ++reads * 10;
        }, v => v >= 30, "the value reaches 30");

        Assert.Equal(30, value);
    }

    [Fact]
    public async Task ValueAsync_AsyncProbeAndACheckATaskWouldPass_WaitsForTheTasksResult()
    {
        var reads = 0;
        async Task<string?> ReadAsync()
        {
            await Task.Yield();
            return ++reads < 3 ? null : "ready";
        }

        var value = await Eventually.ValueAsync(() => ReadAsync(), v => v is not null, "a value is there");

        Assert.Equal("ready", value);
        Assert.Equal(3, reads);
    }

    [Fact]
    public async Task ValueAsync_NeverAccepted_ThrowsWithTheLastValueSeen()
    {
        var reads = 0;

        var thrown = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.ValueAsync(() => ++reads, v => v < 0, "the count goes negative", TimeSpan.FromMilliseconds(200)));

        Assert.Contains(" waiting until the count goes negative; last value seen: ", thrown.Message, StringComparison.Ordinal);
        Assert.EndsWith($"last value seen: {reads}", thrown.Message, StringComparison.Ordinal);
        Assert.Contains($"({reads} checks)", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValueAsync_NeverAccepted_ListsACollectionsItemsAndQuotesText()
    {
        var thrown = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.ValueAsync(() => new[] { "a", "b" }, lines => lines.Length > 2, "three lines", TimeSpan.FromMilliseconds(50)));

        Assert.EndsWith("last value seen: [\"a\", \"b\"]", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValueAsync_WithDescribe_ShowsTheLastValueThatWay()
    {
        var thrown = await Assert.ThrowsAsync<TimeoutException>(
            () => Eventually.ValueAsync(() => 7, v => v == 8, "eight", TimeSpan.FromMilliseconds(50), describe: v => $"{v} apples"));

        Assert.EndsWith("last value seen: 7 apples", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValueAsync_ProbeThrows_PropagatesAtOnceWithoutWaitingOutTheTimeout()
    {
        static int Broken() => throw new InvalidOperationException("broken probe");
        var waited = Task.Delay(TimeSpan.FromSeconds(30));

        var probe = Eventually.ValueAsync(Broken, _ => false, "a probe that cannot answer");

        Assert.Same(probe, await Task.WhenAny(probe, waited));
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => probe);
        Assert.Equal("broken probe", thrown.Message);
    }
}
