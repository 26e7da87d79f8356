using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Testing.Tests;

public sealed class InProcessServerTests
{
    [Fact]
    public async Task StartAsync_ServesWhatIsMapped_OnLoopbackAndAPortTheOsPicked()
    {
        await using var server = await InProcessServer.StartAsync(app => app.MapGet("/hello", () => "hi"));
        using var client = server.CreateClient();

        Assert.Equal("hi", await client.GetStringAsync("/hello"));
        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.NotEqual(0, server.BaseAddress.Port);
        Assert.Equal("/", server.BaseAddress.AbsolutePath);
    }

    [Fact]
    public async Task StartAsync_WithABuilder_ExposesItsServices()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton(new Greeting("hello"));

        await using var server = await InProcessServer.StartAsync(builder, app => app.MapGet("/", (Greeting g) => g.Text));

        Assert.Equal("hello", server.Services.GetRequiredService<Greeting>().Text);
        using var client = server.CreateClient();
        Assert.Equal("hello", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task StopAsync_RefusesNewConnections_AndDisposeAfterItIsFine()
    {
        var server = await InProcessServer.StartAsync(app => app.Run(context => context.Response.WriteAsync("up")));
        var port = server.BaseAddress.Port;

        await server.StopAsync();

        using var socket = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Loopback, port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task StartAsync_MapThrows_SurfacesTheError()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => InProcessServer.StartAsync(_ => throw new InvalidOperationException("bad mapping")));
    }

    public sealed record Greeting(string Text);
}
