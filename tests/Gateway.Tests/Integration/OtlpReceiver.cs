using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Integration;

/// <summary>
/// An OTLP/HTTP trace receiver on real Kestrel: accepts <c>POST /v1/traces</c> protobuf bodies and decodes the
/// span fields the tests check, straight from the protobuf wire format (no generated code).
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<byte[]> _bodies = new();
    private InProcessServer? _server;

    private OtlpReceiver()
    {
    }

    public Uri Address => Server.BaseAddress;

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    /// <summary>Every export request as received, for what the decoder does not read (the resource's attributes).</summary>
    public IReadOnlyCollection<byte[]> Bodies => _bodies;

    private InProcessServer Server => _server ?? throw new InvalidOperationException("not started");

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        receiver._server = await InProcessServer.StartAsync(app => app.MapPost("/v1/traces", receiver.ReceiveAsync));
        return receiver;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        _bodies.Enqueue(body.ToArray());
        foreach (var span in Decode(body.ToArray()))
        {
            _spans.Enqueue(span);
        }

        return Results.Bytes([], "application/x-protobuf");
    }

    // ExportTraceServiceRequest.resource_spans = 1 → ResourceSpans.scope_spans = 2 → ScopeSpans.spans = 2 → Span.
    private static IEnumerable<ReceivedSpan> Decode(byte[] request) =>
        from resourceSpans in Fields(request, 1)
        from scopeSpans in Fields(resourceSpans, 2)
        from span in Fields(scopeSpans, 2)
        select ToSpan(span);

    private static ReceivedSpan ToSpan(byte[] span)
    {
        string Hex(int field) => Fields(span, field).Select(Convert.ToHexStringLower).SingleOrDefault() ?? "";
        return new ReceivedSpan(
            Hex(1), Hex(2), Hex(4), System.Text.Encoding.UTF8.GetString(Fields(span, 5).SingleOrDefault() ?? []), (int)Varints(span, 6).SingleOrDefault());
    }

    /// <summary>The payloads of every length-delimited occurrence of <paramref name="field"/>.</summary>
    private static IEnumerable<byte[]> Fields(byte[] message, int field) =>
        Walk(message).Where(f => f.Number == field && f.WireType == 2).Select(f => f.Bytes!);

    private static IEnumerable<ulong> Varints(byte[] message, int field) =>
        Walk(message).Where(f => f.Number == field && f.WireType == 0).Select(f => f.Value);

    private static List<(int Number, int WireType, ulong Value, byte[]? Bytes)> Walk(byte[] message)
    {
        var fields = new List<(int, int, ulong, byte[]?)>();
        var i = 0;
        while (i < message.Length)
        {
            var key = ReadVarint(message, ref i);
            int number = (int)(key >> 3), wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    fields.Add((number, 0, ReadVarint(message, ref i), null));
                    break;
                case 1:
                    i += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref i);
                    fields.Add((number, 2, 0, message[i..(i + length)]));
                    i += length;
                    break;
                case 5:
                    i += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType}.");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(byte[] buffer, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = buffer[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}

/// <summary>One exported span: ids in lower-case hex; kind 2 is server, 3 client.</summary>
internal sealed record ReceivedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind);
