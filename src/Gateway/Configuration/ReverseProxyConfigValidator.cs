using Gateway.LoadBalancing;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace Gateway.Configuration;

/// <summary>
/// Checks the gateway's use of YARP's <c>ReverseProxy</c> section at start-up: policy names and the
/// <c>Gateway.*</c> metadata. YARP's own validation names the cluster but not the key; this names the key.
/// </summary>
// Policies are resolved when validating, not injected: the gateway's own policies depend on these options.
internal sealed class ReverseProxyConfigValidator(IConfiguration configuration, IServiceProvider services)
    : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var known = services.GetServices<ILoadBalancingPolicy>().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var knownActive = services.GetServices<IActiveHealthCheckPolicy>().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var failures = new List<string>();
        foreach (var cluster in configuration.GetSection("ReverseProxy:Clusters").GetChildren())
        {
            var policyKey = $"{cluster.Path}:LoadBalancingPolicy";
            var policy = configuration[policyKey];
            if (!string.IsNullOrEmpty(policy) && !known.Contains(policy))
            {
                failures.Add($"{policyKey} '{policy}' is not a known policy; known: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
            }

            var activeKey = $"{cluster.Path}:HealthCheck:Active:Policy";
            if (configuration[activeKey] is { Length: > 0 } active && !knownActive.Contains(active))
            {
                failures.Add($"{activeKey} '{active}' is not a known active health policy; known: {string.Join(", ", knownActive.Order(StringComparer.Ordinal))}.");
            }

            Check(cluster.GetSection("Metadata"), isCluster: true, failures);
            foreach (var destination in cluster.GetSection("Destinations").GetChildren())
            {
                Check(destination.GetSection("Metadata"), isCluster: false, failures);
            }
        }

        foreach (var route in configuration.GetSection("ReverseProxy:Routes").GetChildren())
        {
            var metadata = route.GetSection("Metadata");
            foreach (var (key, problem) in GatewayMetadata.RouteProblems(Values(metadata)))
            {
                failures.Add($"{metadata.Path}:{key} {problem}.");
            }

            if (metadata[GatewayMetadata.PriorityClass] is { } priorityClass && !options.Admission.Classes.ContainsKey(priorityClass))
            {
                failures.Add($"{metadata.Path}:{GatewayMetadata.PriorityClass} '{priorityClass}' is not a class under Gateway:Admission:Classes; known: {string.Join(", ", options.Admission.Classes.Keys.Order(StringComparer.Ordinal))}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static Dictionary<string, string> Values(IConfigurationSection metadata) =>
        metadata.GetChildren().Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value!, StringComparer.OrdinalIgnoreCase);

    private static void Check(IConfigurationSection metadata, bool isCluster, List<string> failures)
    {
        foreach (var (key, problem) in GatewayMetadata.Problems(Values(metadata), isCluster))
        {
            failures.Add($"{metadata.Path}:{key} {problem}.");
        }
    }
}
