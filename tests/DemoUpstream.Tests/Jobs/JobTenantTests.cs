using DemoUpstream.Jobs;
using Microsoft.Extensions.Primitives;

namespace DemoUpstream.Tests.Jobs;

public sealed class JobTenantTests
{
    [Fact]
    public void TryResolve_NoHeader_IsAnonymous()
    {
        Assert.True(JobTenant.TryResolve(StringValues.Empty, out var tenant));
        Assert.Equal("anonymous", tenant);
    }

    [Theory]
    [InlineData("acme")]
    [InlineData("A-b_c.9")]
    [InlineData("x")]
    public void TryResolve_ValidName_IsThatTenant(string header)
    {
        Assert.True(JobTenant.TryResolve(new StringValues(header), out var tenant));
        Assert.Equal(header, tenant);
    }

    [Fact]
    public void TryResolve_SixtyFourCharacters_IsValidButSixtyFiveIsNot()
    {
        Assert.True(JobTenant.TryResolve(new StringValues(new string('a', 64)), out _));
        Assert.False(JobTenant.TryResolve(new StringValues(new string('a', 65)), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/")]
    [InlineData("tenant\n")]
    [InlineData("ünïcode")]
    public void TryResolve_InvalidName_Fails(string header)
    {
        Assert.False(JobTenant.TryResolve(new StringValues(header), out _));
    }

    [Fact]
    public void TryResolve_RepeatedHeader_Fails()
    {
        Assert.False(JobTenant.TryResolve(new StringValues(["a", "b"]), out _));
    }
}
