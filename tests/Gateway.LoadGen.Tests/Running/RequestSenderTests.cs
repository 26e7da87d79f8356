using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gateway.LoadGen.Tests.Running;

public sealed class RequestSenderTests
{
    [Fact]
    public async Task SendAsync_SentLate_LatencyIncludesTheLateness()
    {
        var record = await SendAsync(scheduledOffset: TimeSpan.FromSeconds(-1));

        // No coordinated omission: a request the generator sent a second late is charged that second.
        Assert.InRange(record.LatencyMs, 1000, 1500);
    }

    [Fact]
    public async Task SendAsync_SentEarly_LatencyIsFromTheActualSend()
    {
        var record = await SendAsync(scheduledOffset: TimeSpan.FromSeconds(1));

        // Measured from the scheduled time it would be about −1000 ms.
        Assert.InRange(record.LatencyMs, 0, 500);
    }

    [Fact]
    public async Task SendAsync_Response_RecordsStatusServerTimingAndCapturedHeaders()
    {
        var record = await SendAsync(TimeSpan.Zero, _ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("busy") };
            response.Headers.TryAddWithoutValidation("Server-Timing", "queue;dur=2");
            response.Headers.TryAddWithoutValidation("Server-Timing", "app;dur=7");
            response.Headers.TryAddWithoutValidation("X-Demo-Queue-Ms", "1.5");
            return response;
        });

        Assert.Equal(503, record.Status);
        Assert.Null(record.Error);
        Assert.Equal("queue;dur=2, app;dur=7", record.ServerTiming);
        Assert.Equal(7, record.AppMs);
        Assert.Equal(["1.5", null], record.Captured);
    }

    [Fact]
    public async Task SendAsync_PlanWithMethodAndBody_SendsThemOnEveryRequest()
    {
        string? seen = null;
        using var invoker = new HttpMessageInvoker(new FakeHandler(request =>
        {
            seen = $"{request.Method} {request.Content!.Headers.ContentType} {request.Content.ReadAsStringAsync().Result}";
            return new HttpResponseMessage(HttpStatusCode.Accepted);
        }));
        var plan = new LoadPlan
        {
            Phases = [LoadPhase.Steady(1, TimeSpan.FromSeconds(1))],
            MaxRequests = 1,
            MaxDuration = TimeSpan.FromSeconds(10),
            Method = HttpMethod.Post,
            Body = """{"work_ms":5}"""u8.ToArray(),
        };
        var sender = new RequestSender(invoker, plan, new RunClock(), new RunCounters());
        var now = Stopwatch.GetTimestamp();

        var record = await sender.SendAsync(0, new Uri("http://127.0.0.1:9/"), now, now, CancellationToken.None);

        Assert.Equal(202, record.Status);
        Assert.Equal("""POST application/json {"work_ms":5}""", seen);
    }

    [Fact]
    public async Task SendAsync_HandlerThrows_RecordsTheErrorKindInsteadOfThrowing()
    {
        var record = await SendAsync(TimeSpan.Zero, _ => throw new HttpRequestException(
            HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)));

        Assert.Equal(0, record.Status);
        Assert.Equal("connection_refused", record.Error);
    }

    private static async Task<RequestRecord> SendAsync(TimeSpan scheduledOffset, Func<HttpRequestMessage, HttpResponseMessage>? respond = null)
    {
        using var invoker = new HttpMessageInvoker(new FakeHandler(respond ?? (_ => new HttpResponseMessage(HttpStatusCode.OK))));
        var plan = new LoadPlan
        {
            Phases = [LoadPhase.Steady(1, TimeSpan.FromSeconds(1))],
            MaxRequests = 1,
            MaxDuration = TimeSpan.FromSeconds(10),
            CaptureHeaders = ["X-Demo-Queue-Ms", "X-Absent"],
        };
        var clock = new RunClock();
        var sender = new RequestSender(invoker, plan, clock, new RunCounters());
        var now = Stopwatch.GetTimestamp();
        var scheduled = now + (long)(scheduledOffset.TotalSeconds * Stopwatch.Frequency);
        return await sender.SendAsync(0, new Uri("http://127.0.0.1:9/"), scheduled, now, CancellationToken.None);
    }

    private sealed class FakeHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(respond(request));
    }
}
