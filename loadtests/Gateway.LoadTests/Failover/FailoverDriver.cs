using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Gateway.LoadGen;
using ServiceTimes;

namespace Gateway.LoadTests.Failover;

/// <summary>
/// The client of a failover run. Open loop: Poisson arrivals (seeded), each sent at its time whether or not earlier
/// ones have answered, and timed from that time, so requests stuck on a dead upstream do not slow the arrivals down.
/// Each request asks for a service time drawn here (<c>?ms=</c>, seeded), so every proxy gets the same work. It reads
/// the body's <c>service</c> to know which upstream answered.
/// </summary>
internal static class FailoverDriver
{
    public static async Task<List<FailoverRequest>> RunAsync(
        HttpClient client, Uri proxy, FailoverOptions options, Stopwatch clock, CancellationToken cancellationToken)
    {
        var serviceTimes = ServiceTimeSpec.Parse(options.ServiceSpec);
        var random = Arrivals.ServiceTimeRandom(options.Seed);
        var start = clock.Elapsed;
        var sends = new List<Task<FailoverRequest>>();
        foreach (var offset in Arrivals.Poisson(options.Rate, options.Duration, options.Seed))
        {
            var wait = start + offset - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var ms = serviceTimes.Sample(random).TotalMilliseconds;
            var url = new Uri(proxy, string.Create(CultureInfo.InvariantCulture, $"/work?ms={ms:0.###}"));
            sends.Add(SendAsync(client, url, start + offset, clock, cancellationToken));
        }

        return [.. await Task.WhenAll(sends)];
    }

    /// <summary>One GET, timed from <paramref name="sentAt"/>; never throws except on the run's cancellation.</summary>
    public static async Task<FailoverRequest> SendAsync(HttpClient client, Uri url, TimeSpan sentAt, Stopwatch clock, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(url, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var status = (int)response.StatusCode;
            return status is >= 200 and < 300
                ? new FailoverRequest(sentAt, Ms(clock.Elapsed - sentAt), status, ServiceOf(body), null)
                : new FailoverRequest(sentAt, Ms(clock.Elapsed - sentAt), status, null, null, ReasonOf(body));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or IOException or TaskCanceledException)
        {
            return new FailoverRequest(sentAt, Ms(clock.Elapsed - sentAt), 0, null, ErrorOf(e));
        }
    }

    /// <summary>The upstream's name from a DemoUpstream body; null for any other body.</summary>
    public static string? ServiceOf(byte[] body) => StringField(body, "service");

    /// <summary>Why an error response failed, from a problem body's <c>failure</c> or <c>reason</c>; null for any other body.</summary>
    public static string? ReasonOf(byte[] body) => StringField(body, "failure") ?? StringField(body, "reason");

    private static string? StringField(byte[] body, string name)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string ErrorOf(Exception exception)
    {
        if (exception is TaskCanceledException)
        {
            return "client_timeout";
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection_refused",
                    SocketError.ConnectionReset => "connection_reset",
                    _ => "socket_" + socket.SocketErrorCode.ToString().ToLowerInvariant(),
                };
            }
        }

        return exception is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } ? "response_ended" : "transport_error";
    }

    private static double Ms(TimeSpan span) => span.TotalMilliseconds;
}
