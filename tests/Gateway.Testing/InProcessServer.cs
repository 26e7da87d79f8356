using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Testing;

/// <summary>
/// An ASP.NET Core app on real Kestrel inside the test process, on 127.0.0.1 and a port the OS picks, so a test can
/// also reach the app's services. The out-of-process counterpart is <see cref="ServerProcess"/>. Disposing stops
/// Kestrel (unless <see cref="StopAsync"/> already did) and then disposes the app.
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    private InProcessServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Builds a slim app (<see cref="WebApplication.CreateSlimBuilder()"/>: the fewest ASP.NET Core services), lets
    /// <paramref name="configure"/> add to it, and serves what <paramref name="map"/> maps.
    /// </summary>
    public static Task<InProcessServer> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        configure?.Invoke(builder);
        return StartAsync(builder, map);
    }

    /// <summary>Builds the app from <paramref name="builder"/>, set up by the caller (e.g. as a product's Program.cs does), and serves what <paramref name="map"/> maps.</summary>
    public static async Task<InProcessServer> StartAsync(WebApplicationBuilder builder, Action<WebApplication> map)
    {
        // Set last, over the caller's configuration (appsettings.json's "Urls", for one): loopback, and a port nobody holds.
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        try
        {
            map(app);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new InProcessServer(app, new Uri(address));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>An address on this server: <c>Url("/work?ms=5")</c>.</summary>
    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    /// <summary>An <see cref="HttpClient"/> for this server, with a timeout well past any test's wait.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Stops listening, as a server that went down: new connections are refused. Idempotent.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
