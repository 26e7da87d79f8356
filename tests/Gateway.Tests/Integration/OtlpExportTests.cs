using System.Text.Json.Nodes;

namespace Gateway.Tests.Integration;

/// <summary>Spans exported over OTLP/HTTP to a real receiver, checked against what the upstream received.</summary>
public sealed class OtlpExportTests
{
    private const string ClientSpanId = "b7ad6b7169203331";
    private const string ServiceName = "orders-gateway-under-test";

    [Fact]
    public async Task SampledRequest_ExportsTheGatewaysServerAndClientSpansInTheCallersTrace()
    {
        const string TraceId = "0af7651916cd43dd8448eb211c80319c";

        var (received, spans, bodies) = await SendThroughExportingGatewayAsync($"00-{TraceId}-{ClientSpanId}-01");

        // The resource carries Gateway:Tracing:ServiceName (a protobuf string is its UTF-8 bytes on the wire).
        Assert.Contains(bodies, b => b.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(ServiceName)) >= 0);

        // The echo upstream runs in this process, so its own server span is exported too, one hop further down.
        var traced = spans.Where(s => s.TraceId == TraceId).ToList();
        var server = Assert.Single(traced, s => s.ParentSpanId == ClientSpanId);
        Assert.Equal(2, server.Kind);
        var outgoing = Assert.Single(traced, s => s.ParentSpanId == server.SpanId);
        Assert.Equal(3, outgoing.Kind);
        Assert.Equal($"00-{TraceId}-{outgoing.SpanId}-01", received.Single("traceparent"));
        Assert.StartsWith("GET", server.Name);
    }

    [Fact]
    public async Task UnsampledRequest_ExportsNothingButStillPropagates()
    {
        const string TraceId = "1af7651916cd43dd8448eb211c80319c";

        var (received, spans, _) = await SendThroughExportingGatewayAsync($"00-{TraceId}-{ClientSpanId}-00");

        Assert.StartsWith($"00-{TraceId}-", received.Single("traceparent"));
        Assert.EndsWith("-00", received.Single("traceparent"));
        Assert.DoesNotContain(spans, s => s.TraceId == TraceId);
    }

    /// <summary>One request with <paramref name="traceparent"/>; the spans are read after the gateway stops, which flushes the exporter.</summary>
    private static async Task<(ReceivedHeaders Received, IReadOnlyCollection<ReceivedSpan> Spans, IReadOnlyCollection<byte[]> Bodies)> SendThroughExportingGatewayAsync(
        string traceparent)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null });
        ReceivedHeaders received;
        await using (var gateway = await EchoGateway.StartAsync((config, _) =>
            config.Set("Gateway:Tracing:OtlpEndpoint", JsonValue.Create(receiver.Address.ToString()))
                .Set("Gateway:Tracing:ServiceName", JsonValue.Create(ServiceName))))
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.BaseAddress, "/orders/7"));
            request.Headers.Add("traceparent", traceparent);
            received = await HeaderEchoUpstream.SendAsync(client, request);
        }

        return (received, receiver.Spans.ToList(), receiver.Bodies.ToList());
    }
}
