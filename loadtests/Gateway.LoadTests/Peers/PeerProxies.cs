using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Testing;

namespace Gateway.LoadTests.Peers;

/// <summary>
/// Starts the proxies the gateway is compared with, each from a generated config on a free loopback port:
/// HAProxy and nginx from Debian's packages (loadtests/run.sh installs them), and stock YARP.
/// </summary>
internal static class PeerProxies
{
    public const string HAProxyExecutable = "/usr/sbin/haproxy";
    public const string NginxExecutable = "/usr/sbin/nginx";

    /// <summary>
    /// HAProxy with <c>balance <paramref name="balance"/></c>. With <paramref name="maxConnPerServer"/>, a request that finds
    /// every server at its maxconn waits in the backend's queue, one queue for all servers.
    /// </summary>
    public static Task<ExternalProcess> StartHAProxyAsync(IReadOnlyList<Uri> servers, string balance, int? maxConnPerServer)
    {
        var port = LoopbackPort.Free();
        var config = new StringBuilder().Append(CultureInfo.InvariantCulture, $"""
            global
              maxconn 8000
            defaults
              mode http
              timeout connect 5s
              timeout client 300s
              timeout server 300s
              timeout queue 300s
              timeout http-keep-alive 300s
            frontend fe
              bind 127.0.0.1:{port}
              default_backend be
            backend be
              balance {balance}

            """);
        for (var i = 0; i < servers.Count; i++)
        {
            config.Append(CultureInfo.InvariantCulture, $"  server s{i + 1} {servers[i].Host}:{servers[i].Port}");
            config.AppendLine(maxConnPerServer is { } max ? $" maxconn {max}" : string.Empty);
        }

        return ExternalProcess.StartAsync(HAProxyExecutable, config.ToString(), port, "-db", "-f", "{config}");
    }

    /// <summary>
    /// HAProxy as it is usually set up for failover: <c>balance leastconn</c>; an HTTP check of <paramref name="healthPath"/>
    /// on every server each second, down after 2 failures and up after 2 successes (<c>check inter 1s fall 2 rise 2</c>,
    /// <c>timeout check 1s</c>); <c>retries 3</c> with <c>option redispatch</c>, retrying on HAProxy's default
    /// <c>retry-on conn-failure</c> (a request the server may have seen is not sent again); and
    /// <c>timeout server</c> = <paramref name="responseTimeout"/>, after which a silent server's request gets 504.
    /// </summary>
    public static Task<ExternalProcess> StartHAProxyWithHealthChecksAsync(IReadOnlyList<Uri> servers, TimeSpan responseTimeout, string healthPath)
    {
        var port = LoopbackPort.Free();
        var config = new StringBuilder().Append(CultureInfo.InvariantCulture, $"""
            global
              maxconn 8000
            defaults
              mode http
              retries 3
              option redispatch
              timeout connect 5s
              timeout client 300s
              timeout server {(long)responseTimeout.TotalMilliseconds}ms
              timeout queue 300s
              timeout check 1s
              timeout http-keep-alive 300s
            frontend fe
              bind 127.0.0.1:{port}
              default_backend be
            backend be
              balance leastconn
              option httpchk GET {healthPath}
              default-server check inter 1s fall 2 rise 2

            """);
        for (var i = 0; i < servers.Count; i++)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"  server s{i + 1} {servers[i].Host}:{servers[i].Port}");
        }

        return ExternalProcess.StartAsync(HAProxyExecutable, config.ToString(), port, "-db", "-f", "{config}");
    }

    /// <summary>nginx as a reverse proxy: <c>least_conn</c>, HTTP/1.1 keep-alive connections to the servers.</summary>
    public static Task<ExternalProcess> StartNginxProxyAsync(IReadOnlyList<Uri> servers)
    {
        var upstream = string.Join('\n', servers.Select(s => $"    server {s.Host}:{s.Port};"));
        return StartNginxAsync($$"""
              upstream backends {
                least_conn;
            {{upstream}}
                keepalive 512;
              }
              server {
                listen 127.0.0.1:{port};
                location / {
                  proxy_pass http://backends;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                }
              }
            """);
    }

    /// <summary>
    /// The trivial upstream for overhead runs: nginx answering 200 with a 2-byte body and the upstream half of the
    /// header contract (Server-Timing and a load report), so the gateway's parsing runs as it would in production.
    /// </summary>
    public static Task<ExternalProcess> StartTrivialUpstreamAsync() => StartNginxAsync("""
          server {
            listen 127.0.0.1:{port};
            keepalive_requests 1000000;
            location / {
              add_header Server-Timing "app;dur=0.01" always;
              add_header endpoint-load-metrics "TEXT named_metrics.inflight=1, named_metrics.limit=100000" always;
              return 200 "ok";
            }
          }
        """);

    /// <summary>
    /// Stock YARP (loadtests/StockYarp) with one cluster of <paramref name="destinations"/> under <paramref name="policy"/>.
    /// <paramref name="clusterSettings"/> adds YARP cluster keys, e.g. <c>HealthCheck</c> or <c>HttpRequest</c>.
    /// </summary>
    public static async Task<ServerProcess> StartStockYarpAsync(
        string policy,
        IReadOnlyList<Uri> destinations,
        IReadOnlyDictionary<string, string>? environment = null,
        JsonObject? clusterSettings = null)
    {
        var destinationNodes = new JsonObject();
        for (var i = 0; i < destinations.Count; i++)
        {
            destinationNodes[$"d{i + 1}"] = new JsonObject { ["Address"] = destinations[i].ToString() };
        }

        var cluster = new JsonObject { ["LoadBalancingPolicy"] = policy, ["Destinations"] = destinationNodes };
        if (clusterSettings is not null)
        {
            foreach (var (key, value) in clusterSettings)
            {
                cluster[key] = value?.DeepClone();
            }
        }

        var config = new JsonObject
        {
            ["ReverseProxy"] = new JsonObject
            {
                ["Routes"] = new JsonObject { ["all"] = new JsonObject { ["ClusterId"] = "c", ["Match"] = new JsonObject { ["Path"] = "{**catch-all}" } } },
                ["Clusters"] = new JsonObject { ["c"] = cluster },
            },
        };
        // Stock YARP reads its config once at start-up (no reload), so the file can go as soon as it listens.
        var configPath = Path.Combine(Path.GetTempPath(), $"stock-yarp-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        try
        {
            return await ServerProcess.StartAsync(StockYarpDll, ["--config", configPath], environment);
        }
        finally
        {
            File.Delete(configPath);
        }
    }

    private static string StockYarpDll
    {
        get
        {
            var path = Path.Combine(RepoLayout.Root, "loadtests", "StockYarp", "bin", RepoLayout.Configuration, "net10.0", "StockYarp.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; run loadtests/run.sh, which builds it.", path);
        }
    }

    private static Task<ExternalProcess> StartNginxAsync(string httpBody)
    {
        var port = LoopbackPort.Free();
        var config = $$"""
            daemon off;
            master_process on;
            worker_processes auto;
            pid {dir}/nginx.pid;
            error_log stderr warn;
            events { worker_connections 20000; }
            http {
              access_log off;
              client_body_temp_path {dir}/client_body;
              proxy_temp_path {dir}/proxy;
              fastcgi_temp_path {dir}/fastcgi;
              uwsgi_temp_path {dir}/uwsgi;
              scgi_temp_path {dir}/scgi;
              keepalive_timeout 300s;
              keepalive_requests 1000000;
            {{httpBody.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)}}
            }
            """;
        return ExternalProcess.StartAsync(NginxExecutable, config, port, "-e", "stderr", "-p", "{dir}", "-c", "{config}");
    }
}
