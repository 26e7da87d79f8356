namespace Gateway.Tests.Integration;

/// <summary>Bad configuration stops the real gateway process at start-up, naming the key.</summary>
public sealed class StartupConfigurationTests
{
    [Theory]
    [InlineData("--ReverseProxy:Clusters:demo:LoadBalancingPolicy=LeastBusy", "ReverseProxy:Clusters:demo:LoadBalancingPolicy 'LeastBusy' is not a known policy")]
    [InlineData("--ReverseProxy:Clusters:demo:Metadata:Gateway.ConcurrencyLimit=0", "ReverseProxy:Clusters:demo:Metadata:Gateway.ConcurrencyLimit must be an integer of at least 1")]
    [InlineData("--ReverseProxy:Clusters:demo:Destinations:upstream-1:Metadata:Gateway.ConcurrencyLimit=-3", "ReverseProxy:Clusters:demo:Destinations:upstream-1:Metadata:Gateway.ConcurrencyLimit")]
    [InlineData("--Gateway:Queue:MaxLength=-1", "Gateway:Queue:MaxLength must be 0 or more")]
    [InlineData("--ReverseProxy:Clusters:demo:Metadata:Gateway.ShardSize=0", "ReverseProxy:Clusters:demo:Metadata:Gateway.ShardSize must be an integer of at least 1, got '0'")]
    [InlineData("--ReverseProxy:Clusters:demo:Metadata:Gateway.QueueLength=-5", "ReverseProxy:Clusters:demo:Metadata:Gateway.QueueLength must be an integer of at least 0")]
    [InlineData("--Gateway:Queue:Timeout=soon", "Gateway:Queue:Timeout")]
    [InlineData("--Gateway:LoadBalancing:DefaultConcurrencyLimit=0", "Gateway:LoadBalancing:DefaultConcurrencyLimit must be at least 1")]
    [InlineData("--Gateway:Queue:MaxLenght=3", "unknown key Gateway:Queue:MaxLenght")]
    [InlineData("--Gateway:LoadBalancing:ReleaseOn=Whenever", "Gateway:LoadBalancing:ReleaseOn")]
    [InlineData("--Gateway:Timing:AccessLogOutput=Syslog", "Gateway:Timing:AccessLogOutput")]
    [InlineData("--Gateway:Authentication:HmacKey=short", "Gateway:Authentication:HmacKey must be at least 32 bytes")]
    [InlineData("--Gateway:Authentication:RsaPublicKeyFile=/nonexistent/key.pem", "Gateway:Authentication:RsaPublicKeyFile '/nonexistent/key.pem' cannot be read")]
    [InlineData("--Gateway:Authentication:JwksFile=/etc/hostname", "Gateway:Authentication:JwksFile '/etc/hostname' is not a JSON Web Key Set")]
    [InlineData("--Gateway:Authentication:JwksUrl=http://idp.example/jwks", "Gateway:Authentication:JwksUrl must use https unless Gateway:Authentication:RequireHttpsMetadata is false")]
    [InlineData("--ReverseProxy:Routes:demo:AuthorizationPolicy=default", "ReverseProxy:Routes:demo:AuthorizationPolicy 'default' requires authentication")]
    [InlineData("--Gateway:Qdelay:MaxMs=-1", "Gateway:Qdelay:MaxMs must be 0 or more")]
    [InlineData("--Gateway:Fleet:HeartbeatInterval=00:00:05", "Gateway:Fleet:LeaseTime must be at least three heartbeat intervals")]
    [InlineData("--Gateway:Fleet:Timeout=00:00:00", "Gateway:Fleet:Timeout must be positive")]
    [InlineData("--Gateway:Fleet:ReplicaId=a|b", "Gateway:Fleet:ReplicaId must not contain")]
    [InlineData("--Gateway:Fleet:Reserve=-1", "Gateway:Fleet:Reserve must be from 0 to 100, got -1")]
    [InlineData("--Gateway:Fleet:Reserve=101", "Gateway:Fleet:Reserve must be from 0 to 100, got 101")]
    [InlineData("--Gateway:Fleet:Redis=127.0.0.1:6379,nonsense=1", "Gateway:Fleet:Redis is not a StackExchange.Redis connection string")]
    [InlineData("--Gateway:Admission:Tiers:default:RatePerSecond=0", "Gateway:Admission:Tiers:default:RatePerSecond must be above 0")]
    [InlineData("--Gateway:Admission:Tiers:anonymous:Rate=5", "unknown key Gateway:Admission:Tiers:anonymous:Rate")]
    [InlineData("--Gateway:Admission:Tiers:anonymous:RatePerSecond=abc", "'abc' at 'Gateway:Admission:Tiers:anonymous:RatePerSecond'")]
    [InlineData("--Gateway:Admission:Tenants:acme:Burts=3", "unknown key Gateway:Admission:Tenants:acme:Burts")]
    [InlineData("--Gateway:Admission:Classes:low:Slow=00:00:01", "unknown key Gateway:Admission:Classes:low:Slow")]
    [InlineData("--Gateway:Admission:Tenants:acme:Tier=platinum", "Gateway:Admission:Tenants:acme:Tier 'platinum' is not a tier")]
    [InlineData("--Gateway:Admission:Tenants:acme:Burst=0", "Gateway:Admission:Tenants:acme:Burst must be at least 1")]
    [InlineData("--Gateway:Admission:Classes:low:Slo=00:00:00", "Gateway:Admission:Classes:low:Slo must be a positive TimeSpan")]
    [InlineData("--Gateway:Admission:DefaultClass=urgent", "Gateway:Admission:DefaultClass 'urgent' is not a class")]
    [InlineData("--Gateway:Admission:Backpressure:MinRateFraction=0", "Gateway:Admission:Backpressure:MinRateFraction must be above 0 and at most 1")]
    [InlineData("--Gateway:Admission:Backpressure:RecoverBelow=1.5", "Gateway:Admission:Backpressure:RecoverBelow must be above 0 and at most 1")]
    [InlineData("--Gateway:Admission:IdleTenantExpiry=-00:01:00", "Gateway:Admission:IdleTenantExpiry must be a positive TimeSpan")]
    [InlineData("--ReverseProxy:Routes:demo:Metadata:Gateway.PriorityClass=urgent", "ReverseProxy:Routes:demo:Metadata:Gateway.PriorityClass 'urgent' is not a class under Gateway:Admission:Classes")]
    [InlineData("--Gateway:Admission:Redis:Replicas=0", "Gateway:Admission:Redis:Replicas must be between 1 and 10000")]
    [InlineData("--Gateway:Admission:Redis:FailureMode=Sideways", "Gateway:Admission:Redis:FailureMode")]
    [InlineData("--Gateway:Admission:Redis:Replica=3", "unknown key Gateway:Admission:Redis:Replica")]
    [InlineData("--Gateway:Admission:Redis:Configuration=127.0.0.1:6379,connectTimeout=soon", "Gateway:Admission:Redis:Configuration is not a StackExchange.Redis connection string")]
    [InlineData("--ReverseProxy:Routes:demo:Metadata:Gateway.Enqueue=yes", "ReverseProxy:Routes:demo:Metadata:Gateway.Enqueue must be true or false")]
    [InlineData("--Gateway:Authentication:ApiKeys:0:Sha256=abc", "Gateway:Authentication:ApiKeys:0:Sha256 must be the key's SHA-256 as 64 hex digits")]
    [InlineData("--Gateway:Authentication:ApiKeys:0:Tenant=a b", "Gateway:Authentication:ApiKeys:0:Tenant must be 1-64 of")]
    [InlineData("--Gateway:Qdelay:AboveMax=Ignore", "Gateway:Qdelay:AboveMax")]
    [InlineData("--Gateway:Qdelay:AllowDevelopmentHeader=true", "Gateway:Qdelay:AllowDevelopmentHeader is only allowed in the Development environment")]
    [InlineData("--Gateway:Tracing:OtlpEndpoint=collector:4318", "Gateway:Tracing:OtlpEndpoint must be an absolute http or https address")]
    [InlineData("--Gateway:Tracing:SampleRatio=1.5", "Gateway:Tracing:SampleRatio must be between 0 and 1")]
    [InlineData("--Gateway:Health:ConsecutiveFailures=0", "Gateway:Health:ConsecutiveFailures must be at least 1")]
    [InlineData("--Gateway:Health:ReactivationPeriod=soon", "Gateway:Health:ReactivationPeriod")]
    [InlineData("--Gateway:Retry:MaxRetry=3", "unknown key Gateway:Retry:MaxRetry")]
    [InlineData("--Gateway:Upstream:ActivityTimeout=00:00:00", "Gateway:Upstream:ActivityTimeout must be positive")]
    [InlineData("--ReverseProxy:Clusters:demo:HealthCheck:Active:Policy=Nope", "ReverseProxy:Clusters:demo:HealthCheck:Active:Policy 'Nope' is not a known active health policy; known: ConsecutiveFailures, LoadReport")]
    public async Task BadValue_StopsStartupNamingTheKey(string argument, string expected)
    {
        var (exitCode, output) = await ServerProcess.RunToExitAsync(RepoLayout.GatewayDll, [argument], TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingConfigFile_StopsStartupNamingTheFile()
    {
        var (exitCode, output) = await ServerProcess.RunToExitAsync(RepoLayout.GatewayDll, ["--config", "/nonexistent/gateway.json"], TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("/nonexistent/gateway.json", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFile_LayersOverAppSettings()
    {
        using var config = new GatewayConfigFile().Set("Gateway:Queue:MaxLength", -7);

        var (exitCode, output) = await ServerProcess.RunToExitAsync(RepoLayout.GatewayDll, ["--config", config.Write()], TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("Gateway:Queue:MaxLength must be 0 or more, got -7", output, StringComparison.Ordinal);
    }
}
