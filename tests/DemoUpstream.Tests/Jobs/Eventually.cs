namespace DemoUpstream.Tests.Jobs;

internal static class Eventually
{
    /// <summary>
    /// Waits for state the server changes on its own threads. The deadline only bounds a hang; it measures nothing.
    /// </summary>
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out waiting until {what}");
            }
        }
    }
}
