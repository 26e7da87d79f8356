using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.LoadGen.Tests.Loopback;

/// <summary>A real Kestrel server on 127.0.0.1 and a free port, inside the test process, answering with one handler.</summary>
internal static class LoopbackServer
{
    // Server and generator share this process's thread pool, which starts with one thread per core (two
    // here) and adds more only every half second or so. A burst of new connections then waits for threads,
    // and that wait would show up as latency that neither the server nor the generator caused.
    static LoopbackServer() => ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount), Math.Max(64, Environment.ProcessorCount));

    public static Task<InProcessServer> StartAsync(RequestDelegate handler) => InProcessServer.StartAsync(
        app => app.Run(handler),
        builder =>
        {
            builder.Logging.ClearProviders();

            // Requests a test leaves hanging must not hold up its end.
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        });
}
