using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.Tests.Integration.Prometheus;

/// <summary>
/// Reads a Grafana dashboard's JSON: every panel (rows' nested panels included), every query target, the
/// template variables, and the metric names the queries use. Turns Grafana's variables into plain PromQL.
/// </summary>
internal sealed partial class DashboardQueries
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "inf", "nan",
    };

    private DashboardQueries(JsonObject root)
    {
        Root = root;
        Panels = [.. Flatten(root["panels"]?.AsArray() ?? [])];
        Targets = [.. Panels.SelectMany(p => (p["targets"]?.AsArray() ?? []).Select(t => new Target(
            (string?)p["title"] ?? "(untitled)", (string?)t?["refId"], (string?)t?["expr"])))];
        Variables = [.. (root["templating"]?["list"]?.AsArray() ?? []).Select(v => new Variable(
            (string?)v?["name"] ?? "", (string?)v?["type"] ?? "", VariableQuery(v?["query"])))];
    }

    public JsonObject Root { get; }

    /// <summary>Every panel, depth first; a row's own entry comes before the panels it holds.</summary>
    public IReadOnlyList<JsonObject> Panels { get; }

    public IReadOnlyList<Target> Targets { get; }

    public IReadOnlyList<Variable> Variables { get; }

    public static DashboardQueries Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidOperationException($"{path} is not a JSON object"));

    /// <summary>
    /// Grafana's variables as Prometheus would see them for a 1-minute window with every template variable
    /// set to "All" (<c>.*</c>).
    /// </summary>
    public static string Substitute(string expr)
    {
        var plain = expr
            .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
            .Replace("${__rate_interval}", "1m", StringComparison.Ordinal)
            .Replace("$__interval_ms", "15000", StringComparison.Ordinal)
            .Replace("$__interval", "15s", StringComparison.Ordinal)
            .Replace("${__interval}", "15s", StringComparison.Ordinal)
            .Replace("$__range", "1m", StringComparison.Ordinal);
        return TemplateVariable().Replace(plain, ".*");
    }

    /// <summary>
    /// The PromQL equivalent of a Grafana <c>label_values(metric, label)</c> variable query:
    /// <c>group by (label) (metric)</c>; null when the query is not of that form.
    /// </summary>
    public static string? LabelValuesAsPromQl(string query)
    {
        var match = LabelValues().Match(query.Trim());
        if (!match.Success)
        {
            return null;
        }

        var arguments = match.Groups["args"].Value;
        var comma = LastTopLevelComma(arguments);
        if (comma < 0)
        {
            // label_values(label): any series that has the label.
            var label = arguments.Trim();
            return $"group by ({label}) ({{{label}!=\"\"}})";
        }

        return $"group by ({arguments[(comma + 1)..].Trim()}) ({arguments[..comma].Trim()})";
    }

    /// <summary>
    /// Metric names an expression reads, as written (a histogram as <c>x_bucket</c>): identifiers that are not
    /// functions, keywords, label names or durations.
    /// </summary>
    public static IReadOnlySet<string> MetricNames(string expr)
    {
        var stripped = StringLiteral().Replace(expr, "\"\"");
        stripped = Braces().Replace(stripped, "{}");
        stripped = Brackets().Replace(stripped, "[]");
        stripped = Grouping().Replace(stripped, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in Identifier().Matches(stripped))
        {
            var name = match.Value;
            if (Keywords.Contains(name))
            {
                continue;
            }

            names.Add(name);
        }

        return names;
    }

    private static IEnumerable<JsonObject> Flatten(JsonArray panels)
    {
        foreach (var node in panels)
        {
            if (node is not JsonObject panel)
            {
                continue;
            }

            yield return panel;
            foreach (var nested in Flatten(panel["panels"]?.AsArray() ?? []))
            {
                yield return nested;
            }
        }
    }

    /// <summary>Grafana stores a Prometheus variable's query as a string or, since v10, as an object.</summary>
    private static string? VariableQuery(JsonNode? query) => query switch
    {
        JsonValue value => (string?)value,
        JsonObject editor => (string?)editor["query"],
        _ => null,
    };

    private static int LastTopLevelComma(string arguments)
    {
        var depth = 0;
        var quoted = false;
        for (var i = arguments.Length - 1; i >= 0; i--)
        {
            switch (arguments[i])
            {
                case '"':
                    quoted = !quoted;
                    break;
                case ')' or '}' or ']' when !quoted:
                    depth++;
                    break;
                case '(' or '{' or '[' when !quoted:
                    depth--;
                    break;
                case ',' when !quoted && depth == 0:
                    return i;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"\$\{[A-Za-z0-9_]+(:[A-Za-z0-9_]+)?\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[A-Za-z0-9_]+\]\]")]
    private static partial Regex TemplateVariable();

    [GeneratedRegex(@"^label_values\((?<args>.*)\)$", RegexOptions.Singleline)]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")]
    private static partial Regex Grouping();

    /// <summary>An identifier not preceded by a digit or dot (durations, numbers) and not followed by "(" (functions).</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_.:])[A-Za-z_:][A-Za-z0-9_:]*(?![A-Za-z0-9_:])(?!\s*\()")]
    private static partial Regex Identifier();

    /// <summary>One query of one panel.</summary>
    public sealed record Target(string Panel, string? RefId, string? Expr);

    /// <summary>One template variable; <see cref="Query"/> is null for types without a query.</summary>
    public sealed record Variable(string Name, string Type, string? Query);
}
