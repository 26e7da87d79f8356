using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Gateway.Tests.Integration;

/// <summary>
/// W3C Trace Context and Baggage through the gateway, as an upstream on real Kestrel receives them. The test's
/// own client never writes trace headers (no propagator), so each test controls exactly what the gateway gets.
/// </summary>
public sealed class TraceContextTests : IAsyncLifetime
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentId = "00f067aa0ba902b7";
    private const string ValidParent = $"00-{TraceId}-{ParentId}-01";

    private readonly HttpClient _client = new(new SocketsHttpHandler { ActivityHeadersPropagator = null });
    private EchoGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await EchoGateway.StartAsync();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task ValidTraceparent_ContinuesTheTraceWithTheGatewaysSpanAsParent()
    {
        var received = await SendAsync(("traceparent", ValidParent), ("tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"));

        var parts = received.Single("traceparent")!.Split('-');
        Assert.Equal(["00", TraceId], parts[..2]);
        Assert.Matches("^[0-9a-f]{16}$", parts[2]);
        Assert.NotEqual(ParentId, parts[2]);
        Assert.NotEqual("0000000000000000", parts[2]);
        Assert.Equal("01", parts[3]); // The caller's sampling decision is kept.
        Assert.Equal("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", received.Single("tracestate"));
    }

    [Fact]
    public async Task UnsampledTraceparent_StaysUnsampled()
    {
        var received = await SendAsync(("traceparent", $"00-{TraceId}-{ParentId}-00"));

        var parts = received.Single("traceparent")!.Split('-');
        Assert.Equal(TraceId, parts[1]);
        Assert.Equal("00", parts[3]);
    }

    [Theory]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // version ff is forbidden
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")] // all-zero parent id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01")] // trace id one digit short
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011")] // flags too long
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01")] // upper-case hex
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")] // no flags
    [InlineData("garbage")]
    public async Task InvalidTraceparent_StartsANewTraceAndDropsTracestate(string traceparent)
    {
        var received = await SendAsync(("traceparent", traceparent), ("tracestate", "congo=t61rcWkgMzE"));

        AssertNewTrace(received);
    }

    [Fact]
    public async Task DuplicateTraceparentHeaders_StartANewTraceAndDropTracestate()
    {
        // Two header lines, as W3C's test suite sends them; HttpClient would fold them into one, so this goes raw.
        var received = await SendRawAsync(
            $"traceparent: {ValidParent}", $"traceparent: 00-{TraceId}-b7ad6b7169203331-01", "tracestate: congo=t61rcWkgMzE");

        AssertNewTrace(received);
    }

    [Fact]
    public async Task TracestateWithoutTraceparent_IsDropped()
    {
        var received = await SendAsync(("tracestate", "congo=t61rcWkgMzE"));

        Assert.False(received.Has("tracestate"));
    }

    [Fact]
    public async Task Baggage_PassesAsBaggageAndNeverAsCorrelationContext()
    {
        var received = await SendAsync(
            ("traceparent", ValidParent), ("baggage", "userId=alice, serverNode=DF%2028;meta=1"), ("Correlation-Context", "legacy=1"));

        Assert.Equal("userId=alice,serverNode=DF%2028;meta=1", received.Single("baggage"));
        Assert.False(received.Has("correlation-context"));
    }

    [Fact]
    public async Task BaggageOverSixtyFourMembers_LosesWholeMembersOnly()
    {
        var members = Enumerable.Range(1, 70).Select(i => $"k{i}=v{i}").ToArray();

        var received = await SendAsync(("baggage", string.Join(",", members)));

        Assert.Equal(members[..64], received.Single("baggage")!.Split(','));
    }

    [Fact]
    public async Task BaggageOverEightKilobytes_LosesWholeMembersOnly()
    {
        // Five members of 2000 bytes: four fit in 8192 bytes with their commas, the fifth would not.
        var members = Enumerable.Range(1, 5).Select(i => $"k{i}={new string((char)('a' + i), 1997)}").ToArray();

        var received = await SendAsync(("baggage", string.Join(",", members)));

        var sent = received.Single("baggage")!;
        Assert.Equal(members[..4], sent.Split(','));
        Assert.True(Encoding.ASCII.GetByteCount(sent) <= 8192);
    }

    [Fact]
    public async Task MalformedBaggageMember_IsDroppedAndTheRestKept()
    {
        var received = await SendAsync(("baggage", "good=1,no-equals-sign,bad key=2,also=ok"));

        Assert.Equal("good=1,also=ok", received.Single("baggage"));
        var metrics = await Metrics.Exposition.ScrapeAsync(_client, _gateway.BaseAddress);
        Assert.Equal(2, metrics.Value("gateway_baggage_dropped_total", ("reason", "invalid")));
    }

    private static void AssertNewTrace(ReceivedHeaders received)
    {
        var parts = received.Single("traceparent")!.Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal("00", parts[0]);
        Assert.Matches("^[0-9a-f]{32}$", parts[1]);
        Assert.NotEqual(TraceId, parts[1]);
        Assert.NotEqual(new string('0', 32), parts[1]);
        Assert.False(received.Has("tracestate"));
    }

    private Task<ReceivedHeaders> SendAsync(params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_gateway.BaseAddress, "/trace"));
        foreach (var (name, value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value));
        }

        return HeaderEchoUpstream.SendAsync(_client, request);
    }

    private async Task<ReceivedHeaders> SendRawAsync(params string[] headerLines)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_gateway.BaseAddress.Host, _gateway.BaseAddress.Port);
        var stream = tcp.GetStream();
        var request = $"GET /trace HTTP/1.1\r\nHost: {_gateway.BaseAddress.Authority}\r\n{string.Join("\r\n", headerLines)}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var response = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200", response);
        var body = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        // Kestrel chunks a body of unknown length: the JSON is the one line that starts with '{'.
        var json = body.Split("\r\n").Single(line => line.StartsWith('{'));
        return new ReceivedHeaders(JsonSerializer.Deserialize<Dictionary<string, string?[]>>(json)!);
    }
}
