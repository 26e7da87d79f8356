using System.Text;
using Gateway.LoadTests.Failover;

namespace Gateway.LoadTests.Tests.Failover;

public sealed class FailoverDriverTests
{
    [Theory]
    [InlineData("""{"service":"upstream-2","path":"/work","queue_ms":0,"app_ms":20.1}""", "upstream-2")]
    [InlineData("""{"type":"about:blank","title":"Bad Gateway","status":502}""", null)]
    [InlineData("<html><body><h1>502 Bad Gateway</h1></body></html>", null)]
    [InlineData("[\"service\"]", null)]
    [InlineData("", null)]
    public void ServiceOf_Body_NamesTheUpstreamOnlyForADemoUpstreamAnswer(string body, string? expected)
    {
        Assert.Equal(expected, FailoverDriver.ServiceOf(Encoding.UTF8.GetBytes(body)));
    }

    [Theory]
    [InlineData("""{"type":"urn:gateway:problem:upstream_error","status":502,"reason":"upstream_error","failure":"connection_reset"}""", "connection_reset")]
    [InlineData("""{"type":"urn:gateway:problem:queue_timeout","status":503,"reason":"queue_timeout"}""", "queue_timeout")]
    [InlineData("<html><body><h1>504 Gateway Time-out</h1></body></html>", null)]
    public void ReasonOf_ErrorBody_GivesTheProblemsFailureOrElseItsReason(string body, string? expected)
    {
        Assert.Equal(expected, FailoverDriver.ReasonOf(Encoding.UTF8.GetBytes(body)));
    }
}
