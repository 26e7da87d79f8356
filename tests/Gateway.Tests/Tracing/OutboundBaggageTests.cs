using Gateway.Tracing;
using Microsoft.Extensions.Primitives;

namespace Gateway.Tests.Tracing;

public sealed class OutboundBaggageTests
{
    [Fact]
    public void Compose_OwnMembersFirstThenCallersInOrder()
    {
        var result = OutboundBaggage.Compose(new StringValues(["a=1, b=2", "c=3"]), ["qdelay.ms=5"]);

        Assert.Equal("qdelay.ms=5,a=1,b=2,c=3", result.Header);
    }

    [Fact]
    public void Compose_KeepsPropertiesAndPercentEncodingAsSent()
    {
        var result = OutboundBaggage.Compose("serverNode=DF%2028;meta=1;flag", []);

        Assert.Equal("serverNode=DF%2028;meta=1;flag", result.Header);
    }

    [Theory]
    [InlineData("qdelay.ms=1")]
    [InlineData("QDelay.Jitter_ms=1")]
    [InlineData("qdelay=1")]
    [InlineData("qdelay.svc.billing=1;prop")]
    public void Compose_StripsGatewayOwnedKeysInAnyCase(string member)
    {
        var result = OutboundBaggage.Compose($"{member},keep=1", []);

        Assert.Equal("keep=1", result.Header);
        Assert.Equal(1, result.Stripped);
    }

    [Fact]
    public void Compose_KeyThatOnlyStartsWithQdelay_IsTheCallers()
    {
        var result = OutboundBaggage.Compose("qdelayed=1", []);

        Assert.Equal("qdelayed=1", result.Header);
        Assert.Equal(0, result.Stripped);
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=1")]
    [InlineData("bad key=1")]
    [InlineData("k=has space")]
    [InlineData("k=quote\"d")]
    [InlineData("k=v;bad prop")]
    [InlineData("k(1)=v")]
    public void Compose_DropsMalformedMembersAndCountsThem(string member)
    {
        var result = OutboundBaggage.Compose($"a=1,{member},b=2", []);

        Assert.Equal("a=1,b=2", result.Header);
        Assert.Equal(1, result.Invalid);
    }

    [Fact]
    public void Compose_SkipsEmptyListMembers()
    {
        var result = OutboundBaggage.Compose(" , a=1,, ,b=2,", []);

        Assert.Equal("a=1,b=2", result.Header);
        Assert.Equal(0, result.Invalid);
    }

    [Fact]
    public void Compose_PastSixtyFourMembers_DropsTheRestWhole()
    {
        var members = Enumerable.Range(1, 66).Select(i => $"k{i}=v").ToArray();

        var result = OutboundBaggage.Compose(string.Join(",", members), ["qdelay.ms=1"]);

        Assert.Equal(["qdelay.ms=1", .. members[..63]], result.Header!.Split(','));
        Assert.Equal(3, result.OverLimit);
    }

    [Fact]
    public void Compose_PastEightKilobytes_SkipsAMemberThatWouldNotFitButKeepsLaterOnesThatDo()
    {
        var big = "big=" + new string('x', 8000);
        var large = "large=" + new string('y', 300);

        var result = OutboundBaggage.Compose($"{big},{large},small=1", []);

        Assert.Equal($"{big},small=1", result.Header);
        Assert.Equal(1, result.OverLimit);
        Assert.True(result.Header!.Length <= OutboundBaggage.MaxBytes);
    }

    [Fact]
    public void Compose_NothingToSend_IsNull()
    {
        Assert.Null(OutboundBaggage.Compose(StringValues.Empty, []).Header);
        Assert.Null(OutboundBaggage.Compose("qdelay.ms=9", []).Header);
    }
}
