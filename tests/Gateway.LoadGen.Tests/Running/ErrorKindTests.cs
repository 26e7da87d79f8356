using System.Net.Sockets;

namespace Gateway.LoadGen.Tests.Running;

public sealed class ErrorKindTests
{
    [Fact]
    public void Of_RefusedConnection_IsConnectionRefused() =>
        Assert.Equal("connection_refused", ErrorKind.Of(Refused(), cut: false, timedOut: false));

    [Fact]
    public void Of_AnyFailureAfterTheCut_IsCut()
    {
        Assert.Equal("cut", ErrorKind.Of(new TaskCanceledException(), cut: true, timedOut: true));
        Assert.Equal("cut", ErrorKind.Of(Refused(), cut: true, timedOut: false));
    }

    [Fact]
    public void Of_CancelledByTheRequestTimeout_IsTimeout()
    {
        Assert.Equal("timeout", ErrorKind.Of(new TaskCanceledException(), cut: false, timedOut: true));
        Assert.Equal("timeout", ErrorKind.Of(new TaskCanceledException("x", new TimeoutException()), cut: false, timedOut: false));
    }

    [Theory]
    [InlineData(HttpRequestError.ResponseEnded, "response_ended")]
    [InlineData(HttpRequestError.InvalidResponse, "invalid_response")]
    [InlineData(HttpRequestError.Unknown, "http_error")]
    public void Of_HttpRequestErrors_AreNamed(HttpRequestError error, string kind) =>
        Assert.Equal(kind, ErrorKind.Of(new HttpRequestException(error, "x"), cut: false, timedOut: false));

    [Fact]
    public void Of_OtherExceptions_AreNamedAfterTheirType()
    {
        Assert.Equal("io_error", ErrorKind.Of(new IOException(), cut: false, timedOut: false));
        Assert.Equal("invalid_operation", ErrorKind.Of(new InvalidOperationException(), cut: false, timedOut: false));
    }

    private static HttpRequestException Refused() =>
        new(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));
}
