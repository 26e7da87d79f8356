using Gateway.LoadGen;
using Gateway.LoadTests;
using Gateway.Simulator;

// Scenarios, one per command. Each prints a Markdown table and the command that reproduces it.

// Responses are timed on the thread pool, which starts with one thread per core: a burst of connections would wait
// for threads, and that wait would be reported as the system's latency.
ThreadPool.GetMinThreads(out var workers, out var io);
ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
try
{
    return await CommandLineRoot.InvokeAsync(Scenarios.CreateRoot(LoadCommand.Create(), SimulateCommand.Create()), args, Console.Out, Console.Error);
}
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or FileNotFoundException)
{
    // A peer or app that would not start, or a failed run: the message says which and why.
    Console.Error.WriteLine($"loadtests: {args.FirstOrDefault()} failed: {ex.Message}");
    return 1;
}
