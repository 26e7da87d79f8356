using DemoUpstream.Jobs;
using Microsoft.Extensions.Primitives;

namespace DemoUpstream.Tests.Jobs;

public sealed class W3CBaggageTests
{
    [Fact]
    public void Parse_MembersWithSpacesPropertiesAndEscapes_ReturnsDecodedEntriesInOrder()
    {
        var entries = W3CBaggage.Parse(new StringValues(["qdelay.ms=250 , user=J%C3%BCrgen%20K;prop=1", "qdelay.svc.demo = 40;x;y=2"]));

        Assert.Equal(
            [new("qdelay.ms", "250"), new("user", "Jürgen K"), new("qdelay.svc.demo", "40")],
            entries);
    }

    [Theory]
    [InlineData("")]
    [InlineData(",,")]
    [InlineData("novalue")]
    [InlineData("=5")]
    [InlineData(" =5;p")]
    public void Parse_MalformedMembers_AreSkipped(string header)
    {
        Assert.Empty(W3CBaggage.Parse(new StringValues(header)));
    }

    [Fact]
    public void Parse_MalformedMemberAmongGoodOnes_KeepsTheGoodOnes()
    {
        var entries = W3CBaggage.Parse(new StringValues("a=1,broken,b=%ZZ"));

        Assert.Equal([new("a", "1"), new("b", "%ZZ")], entries);
    }

    [Fact]
    public void FromRequest_NoActivity_ReadsQDelayFromTheBaggageHeader()
    {
        var origin = JobOrigin.FromRequest(null, new StringValues("qdelay.ms=75"));

        Assert.Equal(default, origin.Context);
        Assert.Equal(75, QDelay.Parse(origin.Baggage, "demo").BaseMs);
    }
}
