namespace Gateway.LoadGen.Tests.Plan;

public sealed class RequestUriTests
{
    [Theory]
    [InlineData("http://h:5/rr/", null, "http://h:5/rr/")]
    [InlineData("http://h:5/rr/", "api/1?ms=5", "http://h:5/rr/api/1?ms=5")]
    [InlineData("http://h:5/rr", "/api/1", "http://h:5/rr/api/1")]
    [InlineData("http://h:5", "/api/1", "http://h:5/api/1")]
    [InlineData("http://h:5/api/x", "?ms=12.5", "http://h:5/api/x?ms=12.5")]
    [InlineData("http://h:5/api/x?k=1", "?ms=12.5", "http://h:5/api/x?ms=12.5&k=1")]
    [InlineData("http://h:5/base/?k=1", "item/3?ms=2", "http://h:5/base/item/3?ms=2&k=1")]
    public void For_PathAndQuery_IsAppendedToTheUrlAsABase(string url, string? pathAndQuery, string expected) =>
        Assert.Equal(expected, new RequestUri(new Uri(url)).For(pathAndQuery).ToString());
}
