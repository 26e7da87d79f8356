using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Testing;

/// <summary>
/// Writes a JSON file for the gateway's <c>--config</c> switch. It points the default route at a test
/// cluster (the demo cluster in appsettings.json stays defined but unused) and can add routes by path prefix.
/// </summary>
public sealed class GatewayConfigFile : IDisposable
{
    private readonly JsonObject _root = new()
    {
        ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Gateway.AccessLog"] = "Warning" } },
        ["Gateway"] = new JsonObject { ["Timing"] = new JsonObject { ["ServerTimingHeader"] = true } },
        ["ReverseProxy"] = new JsonObject
        {
            ["Routes"] = new JsonObject(),

            // appsettings.json's demo cluster stays defined; its active health probes would only knock on ports 5001-5003.
            ["Clusters"] = new JsonObject
            {
                ["demo"] = new JsonObject { ["HealthCheck"] = new JsonObject { ["Active"] = new JsonObject { ["Enabled"] = false } } },
            },
        },
    };

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gateway-test-{Guid.NewGuid():N}.json");

    /// <summary>
    /// Adds a cluster; with a prefix, a route /prefix/** to it, otherwise the catch-all route. The route is
    /// named after the prefix (or "demo") unless <paramref name="routeId"/> is given.
    /// </summary>
    public GatewayConfigFile AddCluster(
        string clusterId, string policy, IEnumerable<Uri> destinations, string? pathPrefix = null,
        IReadOnlyDictionary<string, string>? metadata = null, string? routeId = null)
    {
        // The file is layered over appsettings.json, so a cluster named like its "demo" would keep that one's three
        // destinations (ports 5001-5003) besides these.
        if (string.Equals(clusterId, "demo", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("A cluster named 'demo' merges appsettings.json's demo destinations into it; use another id.", nameof(clusterId));
        }

        var route = new JsonObject { ["ClusterId"] = clusterId };
        if (pathPrefix is not null)
        {
            route["Match"] = new JsonObject { ["Path"] = $"/{pathPrefix}/{{**rest}}" };
            route["Transforms"] = new JsonArray(new JsonObject { ["PathRemovePrefix"] = $"/{pathPrefix}" });
        }

        _root["ReverseProxy"]!["Routes"]![routeId ?? pathPrefix ?? "demo"] = route;
        var destinationsNode = new JsonObject();
        var i = 0;
        foreach (var destination in destinations)
        {
            destinationsNode[$"u{++i}"] = new JsonObject { ["Address"] = destination.ToString() };
        }

        var cluster = new JsonObject { ["LoadBalancingPolicy"] = policy, ["Destinations"] = destinationsNode };
        if (metadata is not null)
        {
            cluster["Metadata"] = JsonSerializer.SerializeToNode(metadata);
        }

        _root["ReverseProxy"]!["Clusters"]![clusterId] = cluster;
        return this;
    }

    public GatewayConfigFile Set(string path, JsonNode value)
    {
        var parts = path.Split(':');
        var node = _root;
        foreach (var part in parts[..^1])
        {
            node = (JsonObject)(node[part] ??= new JsonObject());
        }

        node[parts[^1]] = value;
        return this;
    }

    /// <summary>
    /// Adds an API key for a tenant under <c>Gateway:Authentication:ApiKeys</c>, stored as the configuration expects it:
    /// the key's SHA-256 in hex, never the key.
    /// </summary>
    public GatewayConfigFile AddApiKey(string key, string tenant)
    {
        var index = _root["Gateway"]?["Authentication"]?["ApiKeys"] is JsonObject keys ? keys.Count : 0;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
        return Set($"Gateway:Authentication:ApiKeys:{index}:Sha256", JsonValue.Create(hash))
            .Set($"Gateway:Authentication:ApiKeys:{index}:Tenant", JsonValue.Create(tenant));
    }

    public string Write()
    {
        File.WriteAllText(Path, _root.ToJsonString());
        return Path;
    }

    public void Dispose() => File.Delete(Path);
}
