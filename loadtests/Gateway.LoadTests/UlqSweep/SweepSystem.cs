using Gateway.LoadGen;

namespace Gateway.LoadTests.UlqSweep;

/// <summary>
/// One balancer set-up under test, with its own upstreams. Disposing stops every process it started (newest first)
/// and deletes its config files, which the gateway watches while it runs.
/// </summary>
internal sealed class SweepSystem(string id, string label, LoadTarget target, IReadOnlyList<IAsyncDisposable> processes, IReadOnlyList<IDisposable> files)
    : IAsyncDisposable
{
    public string Id { get; } = id;

    public string Label { get; } = label;

    public LoadTarget Target { get; } = target;

    public ValueTask DisposeAsync() => StopAsync(processes, files);

    /// <summary>Stops <paramref name="processes"/>, newest first, then deletes <paramref name="files"/>.</summary>
    public static async ValueTask StopAsync(IReadOnlyList<IAsyncDisposable> processes, IReadOnlyList<IDisposable> files)
    {
        foreach (var process in processes.Reverse())
        {
            await process.DisposeAsync();
        }

        foreach (var file in files)
        {
            file.Dispose();
        }
    }
}
