using Gateway.Admission;
using Gateway.LoadBalancing;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Configuration.ClusterValidators;
using Yarp.ReverseProxy.Configuration.RouteValidators;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace Gateway.Configuration;

/// <summary>
/// Checks the gateway's use of each proxy route and cluster, naming the key: policy names and the <c>Gateway.*</c>
/// metadata. YARP runs it on every configuration it loads, so a bad value stops start-up, and a bad live edit is
/// refused as a whole (YARP keeps the last valid routes and clusters) and logged by <see cref="ProxyConfigRejectionLog"/>.
/// </summary>
// Policies and options are resolved when validating, not injected: the gateway's own policies depend on the options,
// and the options' own validation should stop start-up with its own message first.
internal sealed class GatewayProxyConfigValidator(IServiceProvider services) : IClusterValidator, IRouteValidator
{
    public ValueTask ValidateAsync(ClusterConfig cluster, IList<Exception> errors)
    {
        var path = $"ReverseProxy:Clusters:{cluster.ClusterId}";
        if (cluster.LoadBalancingPolicy is { Length: > 0 } policy
            && Unknown(policy, services.GetServices<ILoadBalancingPolicy>().Select(p => p.Name)) is { } known)
        {
            errors.Add(new ArgumentException($"{path}:LoadBalancingPolicy '{policy}' is not a known policy; known: {known}."));
        }

        if (cluster.HealthCheck?.Active?.Policy is { Length: > 0 } active
            && Unknown(active, services.GetServices<IActiveHealthCheckPolicy>().Select(p => p.Name)) is { } knownActive)
        {
            errors.Add(new ArgumentException($"{path}:HealthCheck:Active:Policy '{active}' is not a known active health policy; known: {knownActive}."));
        }

        Add(errors, $"{path}:Metadata", GatewayMetadata.Problems(cluster.Metadata, isCluster: true));
        foreach (var (id, destination) in cluster.Destinations ?? new Dictionary<string, DestinationConfig>())
        {
            Add(errors, $"{path}:Destinations:{id}:Metadata", GatewayMetadata.Problems(destination.Metadata, isCluster: false));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ValidateAsync(RouteConfig route, IList<Exception> errors)
    {
        var path = $"ReverseProxy:Routes:{route.RouteId}:Metadata";
        Add(errors, path, GatewayMetadata.RouteProblems(route.Metadata));
        if (route.Metadata?.GetValueOrDefault(GatewayMetadata.PriorityClass) is { } priorityClass)
        {
            var classes = services.GetRequiredService<IOptionsMonitor<AdmissionOptions>>().CurrentValue.Classes;
            if (!classes.ContainsKey(priorityClass))
            {
                errors.Add(new ArgumentException(
                    $"{path}:{GatewayMetadata.PriorityClass} '{priorityClass}' is not a class under Gateway:Admission:Classes; known: {string.Join(", ", classes.Keys.Order(StringComparer.Ordinal))}."));
            }
        }

        return ValueTask.CompletedTask;
    }

    private static string? Unknown(string name, IEnumerable<string> known)
    {
        var names = known.ToList();
        return names.Contains(name, StringComparer.OrdinalIgnoreCase) ? null : string.Join(", ", names.Order(StringComparer.Ordinal));
    }

    private static void Add(IList<Exception> errors, string path, IEnumerable<(string Key, string Problem)> problems)
    {
        foreach (var (key, problem) in problems)
        {
            errors.Add(new ArgumentException($"{path}:{key} {problem}."));
        }
    }
}
