using System.Net.Sockets;

namespace Gateway.LoadGen;

/// <summary>Names a failed request's error in a few stable snake_case words, for counts and reports.</summary>
internal static class ErrorKind
{
    public const string Cut = "cut";
    public const string Timeout = "timeout";

    public static string Of(Exception exception, bool cut, bool timedOut)
    {
        // The run's cut also cancels the request's own token, so it is asked first.
        if (cut)
        {
            return Cut;
        }

        if (timedOut || (exception is OperationCanceledException && exception.InnerException is TimeoutException))
        {
            return Timeout;
        }

        if (FindInner<SocketException>(exception) is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection_refused",
                SocketError.ConnectionReset => "connection_reset",
                SocketError.ConnectionAborted => "connection_aborted",
                SocketError.TimedOut => "connect_timeout",
                SocketError.HostNotFound or SocketError.NoData => "name_resolution",
                SocketError.AddressNotAvailable => "address_not_available",
                SocketError.NoBufferSpaceAvailable or SocketError.TooManyOpenSockets => "out_of_sockets",
                var code => "socket_" + Snake(code.ToString()),
            };
        }

        if (exception is HttpRequestException http)
        {
            return http.HttpRequestError switch
            {
                HttpRequestError.ResponseEnded => "response_ended",
                HttpRequestError.NameResolutionError => "name_resolution",
                HttpRequestError.SecureConnectionError => "tls",
                HttpRequestError.HttpProtocolError => "protocol_error",
                HttpRequestError.InvalidResponse => "invalid_response",
                HttpRequestError.ConnectionError => "connection_error",
                _ => "http_error",
            };
        }

        return exception switch
        {
            OperationCanceledException => "cancelled",
            IOException => "io_error",
            _ => Snake(exception.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)),
        };
    }

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
