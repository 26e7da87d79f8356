using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Gateway.Tests.Integration.Prometheus;

/// <summary>
/// A real <c>prometheus</c> process (Debian's package) scraping the given targets, with its config and TSDB in a
/// fresh temp directory and its web API on a free loopback port. Disposing kills it by PID and deletes the directory.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private const string Executable = "prometheus";
    private const int StartAttempts = 5;

    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _output;
    private readonly HttpClient _client;
    private readonly int _targetCount;

    private PrometheusServer(Process process, string directory, ConcurrentQueue<string> output, Uri baseAddress, int targetCount)
    {
        _process = process;
        _directory = directory;
        _output = output;
        _targetCount = targetCount;
        BaseAddress = baseAddress;
        _client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    /// <summary>Prometheus's own log (it logs to stderr), for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Starts Prometheus scraping <paramref name="targets"/> (job name → host:port list) at /metrics. With
    /// <paramref name="exemplars"/> it runs with <c>--enable-feature=exemplar-storage</c>, so it asks for OpenMetrics
    /// and keeps the exemplars it is given.
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(
        TimeSpan scrapeInterval, IReadOnlyDictionary<string, IReadOnlyList<string>> targets, bool exemplars = false)
    {
        var path = FindExecutable() ?? throw new InvalidOperationException(
            $"'{Executable}' is not on PATH: install Debian's prometheus package (./test.sh does).");
        var directory = Directory.CreateTempSubdirectory("gateway-prometheus-").FullName;
        try
        {
            var configFile = Path.Combine(directory, "prometheus.yml");
            await File.WriteAllTextAsync(configFile, Config(scrapeInterval, targets));
            var targetCount = targets.Values.Sum(t => t.Count);
            for (var attempt = 1; ; attempt++)
            {
                var port = LoopbackPort.Free();
                var (started, portTaken) = await TryStartAsync(path, directory, configFile, port, targetCount, exemplars);
                if (started is not null)
                {
                    return started;
                }

                // Another process took the port between our probe and Prometheus's bind: pick another.
                if (attempt == StartAttempts)
                {
                    throw new InvalidOperationException($"Prometheus could not bind a loopback port in {StartAttempts} attempts:\n{portTaken}");
                }
            }
        }
        catch
        {
            DeleteDirectory(directory);
            throw;
        }
    }

    /// <summary>Instant query at the server's current time. Throws with Prometheus's error text when it fails.</summary>
    public async Task<QueryResult> QueryAsync(string promql, CancellationToken cancellationToken = default)
    {
        using var form = new FormUrlEncodedContent([new("query", promql)]);
        using var response = await _client.PostAsync("api/v1/query", form, cancellationToken);
        var data = await ReadDataAsync(response, $"query {promql}", cancellationToken);
        return QueryResult.Parse(data);
    }

    /// <summary>The <c>trace_id</c> of every exemplar stored for <paramref name="promql"/>'s series in the last hour.</summary>
    public async Task<IReadOnlyList<string>> QueryExemplarTraceIdsAsync(string promql, CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow;
        using var form = new FormUrlEncodedContent(
        [
            new("query", promql),
            new("start", now.AddHours(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("end", now.AddMinutes(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        ]);
        using var response = await _client.PostAsync("api/v1/query_exemplars", form, cancellationToken);
        var data = await ReadDataAsync(response, $"query_exemplars {promql}", cancellationToken);
        return
        [
            .. data.EnumerateArray()
                .SelectMany(series => series.GetProperty("exemplars").EnumerateArray())
                .Select(exemplar => exemplar.GetProperty("labels").TryGetProperty("trace_id", out var id) ? id.GetString()! : ""),
        ];
    }

    /// <summary>Polls <c>/api/v1/targets</c> until every configured target is healthy.</summary>
    public Task WaitForTargetsUpAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => Eventually.ValueAsync(
        () => TargetsAsync(cancellationToken),
        targets => targets.Count == _targetCount && targets.All(x => x.Health == "up"),
        "every Prometheus target is up",
        timeout,
        targets => $"\n{Describe(targets)}\nPrometheus log:\n{Output}");

    /// <summary>
    /// Polls until every target has finished a scrape that started after <paramref name="instant"/>, so
    /// whatever the targets exposed at that instant is in the TSDB.
    /// </summary>
    public Task WaitForScrapesAfterAsync(DateTimeOffset instant, TimeSpan timeout, CancellationToken cancellationToken = default) => Eventually.ValueAsync(
        () => TargetsAsync(cancellationToken),
        targets => targets.Count == _targetCount && targets.All(x => x.Health == "up" && x.LastScrape > instant),
        $"Prometheus scraped every target after {instant:O}",
        timeout,
        targets => $"\n{Describe(targets)}\nPrometheus log:\n{Output}");

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        Stop(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
        DeleteDirectory(_directory);
    }

    private static async Task<(PrometheusServer? Server, string PortTakenOutput)> TryStartAsync(
        string executable, string directory, string configFile, int port, int targetCount, bool exemplars)
    {
        var output = new ConcurrentQueue<string>();
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        info.ArgumentList.Add($"--config.file={configFile}");
        info.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "data")}");
        info.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        info.ArgumentList.Add("--log.level=warn");
        if (exemplars)
        {
            info.ArgumentList.Add("--enable-feature=exemplar-storage");
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Collect(output, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        Startup state;
        try
        {
            state = await Eventually.ValueAsync(
                () => ProbeStartupAsync(process, probe), s => s != Startup.Starting, "prometheus answers /-/ready", TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException ex)
        {
            Stop(process);
            await process.WaitForExitAsync();
            process.Dispose();
            throw new TimeoutException($"{ex.Message}\n{string.Join('\n', output)}", ex);
        }

        if (state == Startup.Ready)
        {
            return (new PrometheusServer(process, directory, output, baseAddress, targetCount), "");
        }

        await process.WaitForExitAsync();
        var log = string.Join('\n', output);
        var exitCode = process.ExitCode;
        process.Dispose();
        if (log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            return (null, log);
        }

        throw new InvalidOperationException($"prometheus exited with code {exitCode} before it was ready:\n{log}");
    }

    private static async Task<Startup> ProbeStartupAsync(Process process, HttpClient probe)
    {
        if (process.HasExited)
        {
            return Startup.Exited;
        }

        try
        {
            using var ready = await probe.GetAsync("-/ready");
            return ready.StatusCode == HttpStatusCode.OK ? Startup.Ready : Startup.Starting;
        }
        catch (HttpRequestException)
        {
            return Startup.Starting; // Not listening yet.
        }
        catch (TaskCanceledException)
        {
            return Startup.Starting; // Listening but slow to answer.
        }
    }

    private enum Startup
    {
        Starting,
        Ready,
        Exited,
    }

    private static string Config(TimeSpan scrapeInterval, IReadOnlyDictionary<string, IReadOnlyList<string>> targets)
    {
        var interval = Duration(scrapeInterval);
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"""
            global:
              scrape_interval: {interval}
              scrape_timeout: {interval}
              evaluation_interval: {interval}
            scrape_configs:

            """);
        foreach (var (job, hosts) in targets)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                  - job_name: {Quote(job)}
                    metrics_path: /metrics
                    static_configs:
                      - targets: [{string.Join(", ", hosts.Select(Quote))}]

                """);
        }

        return yaml.ToString();
    }

    private static string Duration(TimeSpan span) =>
        span.TotalMilliseconds % 1000 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalMilliseconds}ms");

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private async Task<IReadOnlyList<Target>> TargetsAsync(CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync("api/v1/targets?state=active", cancellationToken);
        var data = await ReadDataAsync(response, "targets", cancellationToken);
        return [.. data.GetProperty("activeTargets").EnumerateArray().Select(Target.Parse)];
    }

    private static string Describe(IReadOnlyList<Target> targets) =>
        targets.Count == 0
            ? "  (no active targets)"
            : string.Join('\n', targets.Select(t =>
                $"  {t.Job} {t.ScrapeUrl}: {t.Health}, last scrape {t.LastScrape:O}, lastError: {(t.LastError.Length == 0 ? "none" : t.LastError)}"));

    /// <summary>Returns the API envelope's <c>data</c>, or throws with Prometheus's errorType and error.</summary>
    private static async Task<JsonElement> ReadDataAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"Prometheus {what}: HTTP {(int)response.StatusCode}, not JSON: {body}");
        }

        if (root.TryGetProperty("status", out var status) && status.GetString() == "success")
        {
            return root.GetProperty("data");
        }

        var errorType = root.TryGetProperty("errorType", out var t) ? t.GetString() : null;
        var error = root.TryGetProperty("error", out var e) ? e.GetString() : body;
        throw new InvalidOperationException($"Prometheus {what}: HTTP {(int)response.StatusCode} {errorType}: {error}");
    }

    private static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, Executable))
            .FirstOrDefault(File.Exists);

    private static void Collect(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind does not affect the test's result.
        }
    }
    /// <summary>An instant query's result: its type and, for each series, its labels and value.</summary>
    public sealed record QueryResult(string ResultType, IReadOnlyList<Series> Series)
    {
        public static QueryResult Parse(JsonElement data)
        {
            var type = data.GetProperty("resultType").GetString()!;
            var result = data.GetProperty("result");
            IReadOnlyList<Series> series = type switch
            {
                "vector" => [.. result.EnumerateArray().Select(s => new Series(Labels(s), Value(s.GetProperty("value"))))],
                "matrix" => [.. result.EnumerateArray().Select(s => new Series(Labels(s), Value(s.GetProperty("values").EnumerateArray().Last())))],
                _ => [new Series(new Dictionary<string, string>(), Value(result))],
            };
            return new QueryResult(type, series);
        }

        private static Dictionary<string, string> Labels(JsonElement series) =>
            series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");

        /// <summary>A <c>[timestamp, "value"]</c> pair; Prometheus writes NaN and infinities as NaN, +Inf and -Inf.</summary>
        private static double Value(JsonElement pair) => pair[1].GetString() switch
        {
            "NaN" => double.NaN,
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN,
        };
    }

    /// <summary>One series of a query result.</summary>
    public sealed record Series(IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public override string ToString() =>
            "{" + string.Join(", ", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "} "
            + Value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>One active scrape target as <c>/api/v1/targets</c> reports it.</summary>
    private sealed record Target(string Job, string ScrapeUrl, string Health, string LastError, DateTimeOffset LastScrape)
    {
        public static Target Parse(JsonElement target) => new(
            target.GetProperty("labels").TryGetProperty("job", out var job) ? job.GetString() ?? "" : "",
            target.GetProperty("scrapeUrl").GetString() ?? "",
            target.GetProperty("health").GetString() ?? "",
            target.GetProperty("lastError").GetString() ?? "",
            DateTimeOffset.Parse(target.GetProperty("lastScrape").GetString()!, CultureInfo.InvariantCulture));
    }
}
