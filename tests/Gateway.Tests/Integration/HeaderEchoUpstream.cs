using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Integration;

/// <summary>A real Kestrel upstream that answers with the request headers it received, as JSON.</summary>
internal sealed class HeaderEchoUpstream : IAsyncDisposable
{
    private readonly InProcessServer _server;

    private HeaderEchoUpstream(InProcessServer server) => _server = server;

    public Uri Address => _server.BaseAddress;

    public static async Task<HeaderEchoUpstream> StartAsync() => new(await InProcessServer.StartAsync(app => app.Run(context =>
        context.Response.WriteAsJsonAsync(context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToArray())))));

    /// <summary>The headers the upstream received for one request through <paramref name="client"/>.</summary>
    public static async Task<ReceivedHeaders> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Expected success through the gateway, got {(int)response.StatusCode}: {body}");
        }

        return new ReceivedHeaders(JsonSerializer.Deserialize<Dictionary<string, string?[]>>(body)!);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>Request headers as an upstream saw them; names are lower case.</summary>
internal sealed record ReceivedHeaders(IReadOnlyDictionary<string, string?[]> All)
{
    public string? Single(string name) => All.TryGetValue(name, out var values) ? Assert.Single(values) : null;

    public bool Has(string name) => All.ContainsKey(name);
}
