using Gateway.LoadTests.Peers;

namespace Gateway.LoadTests.Tests.Peers;

public sealed class WrkTests
{
    private const string Healthy = """
        Running 2s test @ http://127.0.0.1:18080/
          1 threads and 16 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency   119.05us   73.52us   2.88ms   92.62%
            Req/Sec    79.41k     2.39k   81.62k    90.00%
          Latency Distribution
             50%   93.00us
             75%  138.00us
             90%  186.00us
             99%    2.61ms
          157703 requests in 2.00s, 22.41MB read
        Requests/sec:  78793.31
        Transfer/sec:     11.20MB
        """;

    [Fact]
    public void Parse_HealthyRun_ReadsThroughputAndNoFailures()
    {
        var result = Wrk.Parse(Healthy);

        Assert.Equal(78793.31, result.RequestsPerSecond, precision: 2);
        Assert.Equal(0, result.Non2xx);
        Assert.Equal(0, result.SocketErrors);
    }

    [Fact]
    public void Parse_RunWithFailures_CountsNon2xxAndEverySocketError()
    {
        var output = Healthy.Replace(
            "Requests/sec:",
            "  Socket errors: connect 1, read 2, write 0, timeout 3\n  Non-2xx or 3xx responses: 12\nRequests/sec:",
            StringComparison.Ordinal);

        var result = Wrk.Parse(output);

        Assert.Equal(12, result.Non2xx);
        Assert.Equal(6, result.SocketErrors);
    }

    [Fact]
    public void Parse_OutputWithoutTheSummary_ThrowsNamingWhatIsMissing()
    {
        var ex = Assert.Throws<FormatException>(() => Wrk.Parse("unable to connect to 127.0.0.1:1 Connection refused"));

        Assert.Contains("wrk's output", ex.Message, StringComparison.Ordinal);
    }
}
