using Gateway.Admission;
using Gateway.Admission.Redis;

namespace Gateway.Tests.Admission;

public sealed class AdmissionOptionsValidatorTests
{
    private static readonly AdmissionOptionsValidator Validator = new();

    [Fact]
    public void Validate_Defaults_SucceedWithoutRedis()
    {
        var options = new AdmissionOptions();

        Assert.True(Validator.Validate(null, options).Succeeded);
        Assert.False(options.Redis.Enabled);
    }

    [Fact]
    public void Validate_RedisWithDefaults_Succeeds()
    {
        var options = new AdmissionOptions { Redis = { Configuration = "127.0.0.1:6379,connectTimeout=500" } };

        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_EveryBadRedisValue_FailsNamingEachKey()
    {
        var options = new AdmissionOptions
        {
            Redis =
            {
                Configuration = "127.0.0.1:6379,connectTimeout=soon",
                KeyPrefix = " ",
                FailureMode = (AdmissionFailureMode)7,
                Replicas = 0,
                Timeout = TimeSpan.Zero,
                BreakDuration = TimeSpan.FromMilliseconds(100),
                MaxBatch = 0,
                BatchWindow = TimeSpan.Zero,
                ReserveLifetime = TimeSpan.FromSeconds(-1),
            },
        };

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        var failures = string.Join("\n", result.Failures!);
        foreach (var key in new[] { "Configuration", "KeyPrefix", "FailureMode", "Replicas", "Timeout", "BreakDuration", "MaxBatch", "BatchWindow", "ReserveLifetime" })
        {
            Assert.Contains($"Gateway:Admission:Redis:{key} ", failures, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_ConnectionStringWithoutEndpoint_FailsNamingTheKey()
    {
        var options = new AdmissionOptions { Redis = { Configuration = "connectTimeout=500" } };

        var result = Validator.Validate(null, options);

        Assert.Contains("Gateway:Admission:Redis:Configuration names no endpoint", string.Join("\n", result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadRedisValuesWithoutRedis_StillFail()
    {
        // A typo should not wait until the day Redis is switched on.
        var options = new AdmissionOptions { Redis = { Replicas = -1 } };

        Assert.True(Validator.Validate(null, options).Failed);
    }
}
