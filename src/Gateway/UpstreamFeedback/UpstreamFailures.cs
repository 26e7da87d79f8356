using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.UpstreamFeedback;

/// <summary>Reads what happened to one forwarding attempt from YARP's error feature and the response status.</summary>
internal static class UpstreamFailures
{
    /// <summary>
    /// The destination's failure on this attempt, or <see cref="UpstreamFailureKind.None"/>. A client that went away
    /// is never the destination's fault, and neither is a request that found no destination.
    /// </summary>
    public static UpstreamFailureKind Classify(HttpContext context, IForwarderErrorFeature? error, bool countServerErrors)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return UpstreamFailureKind.None;
        }

        if (error is null)
        {
            return countServerErrors && context.Response.StatusCode is 500 or 502 or 504 ? UpstreamFailureKind.ServerError : UpstreamFailureKind.None;
        }

        return error.Error switch
        {
            ForwarderError.Request => FromException(error.Exception),
            ForwarderError.RequestTimedOut => UpstreamFailureKind.Timeout,
            ForwarderError.ResponseHeaders or ForwarderError.ResponseBodyDestination or ForwarderError.RequestBodyDestination
                or ForwarderError.UpgradeResponseDestination or ForwarderError.UpgradeRequestDestination => UpstreamFailureKind.ConnectionReset,
            _ => UpstreamFailureKind.None,
        };
    }

    /// <summary>Whether the attempt failed before any of the request reached the upstream, so any request may go again.</summary>
    public static bool BeforeRequestSent(UpstreamFailureKind kind) =>
        kind is UpstreamFailureKind.ConnectionRefused or UpstreamFailureKind.ConnectTimeout or UpstreamFailureKind.ConnectFailed;

    /// <summary>The metric label and problem <c>failure</c> value.</summary>
    public static string Label(UpstreamFailureKind kind) => kind switch
    {
        UpstreamFailureKind.ConnectionRefused => "connection_refused",
        UpstreamFailureKind.ConnectTimeout => "connect_timeout",
        UpstreamFailureKind.ConnectFailed => "connect_failed",
        UpstreamFailureKind.ConnectionReset => "connection_reset",
        UpstreamFailureKind.Timeout => "timeout",
        UpstreamFailureKind.ServerError => "server_error",
        _ => "none",
    };

    /// <summary>What happened, as the end of a sentence naming the destination.</summary>
    public static string Describe(UpstreamFailureKind kind, TimeSpan? timeout) => kind switch
    {
        UpstreamFailureKind.ConnectionRefused => "refused the connection",
        UpstreamFailureKind.ConnectTimeout => "did not accept the connection in time",
        UpstreamFailureKind.ConnectFailed => "could not be connected to",
        UpstreamFailureKind.ConnectionReset => "closed or reset the connection before a whole response",
        UpstreamFailureKind.Timeout => timeout is { } t ? $"sent nothing for {t.TotalSeconds:0.###} s (the activity timeout)" : "timed out",
        UpstreamFailureKind.ServerError => "answered with a server error",
        _ => "failed",
    };

    private static UpstreamFailureKind FromException(Exception? exception)
    {
        if (exception is not HttpRequestException request)
        {
            return UpstreamFailureKind.ConnectionReset;
        }

        if (request.HttpRequestError != HttpRequestError.ConnectionError)
        {
            // The connection was up and the request (at least its headers) went out.
            return UpstreamFailureKind.ConnectionReset;
        }

        for (var inner = request.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => UpstreamFailureKind.ConnectionRefused,
                    SocketError.TimedOut => UpstreamFailureKind.ConnectTimeout,
                    _ => UpstreamFailureKind.ConnectFailed,
                };
            }
        }

        return UpstreamFailureKind.ConnectFailed;
    }
}
