using System.Globalization;
using Gateway.LoadBalancing;
using Microsoft.Extensions.Options;
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
        var failures = new List<string>();
        foreach (var cluster in configuration.GetSection("ReverseProxy:Clusters").GetChildren())
        {
            var policyKey = $"{cluster.Path}:LoadBalancingPolicy";
            var policy = configuration[policyKey];
            if (!string.IsNullOrEmpty(policy) && !known.Contains(policy))
            {
                failures.Add($"{policyKey} '{policy}' is not a known policy; known: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
            }

            CheckInt(cluster.GetSection("Metadata"), GatewayMetadata.ConcurrencyLimit, minimum: 1, failures);
            CheckInt(cluster.GetSection("Metadata"), GatewayMetadata.QueueLength, minimum: 0, failures);
            var timeout = cluster.GetSection("Metadata")[GatewayMetadata.QueueTimeout];
            if (timeout is not null && (!TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out var value) || value <= TimeSpan.Zero))
            {
                failures.Add($"{cluster.Path}:Metadata:{GatewayMetadata.QueueTimeout} must be a positive TimeSpan such as 00:00:05, got '{timeout}'.");
            }

            foreach (var destination in cluster.GetSection("Destinations").GetChildren())
            {
                CheckInt(destination.GetSection("Metadata"), GatewayMetadata.ConcurrencyLimit, minimum: 1, failures);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckInt(IConfigurationSection metadata, string key, int minimum, List<string> failures)
    {
        var text = metadata[key];
        if (text is not null && (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < minimum))
        {
            failures.Add($"{metadata.Path}:{key} must be an integer of at least {minimum}, got '{text}'.");
        }
    }
}
