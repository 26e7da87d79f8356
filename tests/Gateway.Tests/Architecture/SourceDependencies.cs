using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Tests.Architecture;

/// <summary>
/// Which top-level folder of <c>src/Gateway</c> uses which, read from the source: <c>using Gateway.X</c> directives and
/// fully qualified <c>Gateway.X.</c> references (code and doc comments; string literals and plain comments do not
/// count). <c>Program.cs</c> is the node <see cref="Program"/>.
/// </summary>
internal static partial class SourceDependencies
{
    public const string Program = "Program.cs";

    /// <summary>Folder → the other folders its files refer to.</summary>
    public static IReadOnlyDictionary<string, SortedSet<string>> Read(string sourceRoot)
    {
        var folders = Directory.GetDirectories(sourceRoot).Select(Path.GetFileName).Where(IsSourceFolder).ToHashSet(StringComparer.Ordinal);
        var graph = folders.Append(Program).ToDictionary(f => f!, _ => new SortedSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(sourceRoot, file).Split(Path.DirectorySeparatorChar);
            if (relative.Length > 1 && !folders.Contains(relative[0]))
            {
                continue; // bin/ and obj/
            }

            var from = relative.Length == 1 ? Program : relative[0];
            foreach (Match match in GatewayReference().Matches(CodeOf(File.ReadAllText(file))))
            {
                var to = match.Groups["folder"].Value;
                if (to != from && folders.Contains(to))
                {
                    graph[from].Add(to);
                }
            }
        }

        return graph;
    }

    /// <summary>A cycle in <paramref name="graph"/> as the path around it (first node repeated at the end), or null.</summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyDictionary<string, SortedSet<string>> graph)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(node) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        IReadOnlyList<string>? Visit(string node)
        {
            var onPath = path.IndexOf(node);
            if (onPath >= 0)
            {
                return [.. path.Skip(onPath), node];
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }
    }

    private static bool IsSourceFolder(string? name) => name is not (null or "bin" or "obj" or "Properties");

    /// <summary>The source without its namespace declaration, string and character literals, and plain comments.</summary>
    internal static string CodeOf(string source)
    {
        var code = new StringBuilder(source.Length);
        var i = 0;
        while (i < source.Length)
        {
            if (At(source, i, "///"))
            {
                var end = source.IndexOf('\n', i) is var n and >= 0 ? n : source.Length;
                code.Append(source, i, end - i);
                i = end;
            }
            else if (At(source, i, "//"))
            {
                i = source.IndexOf('\n', i) is var n and >= 0 ? n : source.Length;
            }
            else if (At(source, i, "/*"))
            {
                i = source.IndexOf("*/", i + 2, StringComparison.Ordinal) is var n and >= 0 ? n + 2 : source.Length;
            }
            else if (StartsLiteral(source, i))
            {
                i = SkipLiteral(source, i);
                code.Append(' ');
            }
            else
            {
                code.Append(source[i]);
                i++;
            }
        }

        return NamespaceDeclaration().Replace(code.ToString(), "");
    }

    private static bool StartsLiteral(string source, int i) =>
        source[i] is '"' or '\''
        || (source[i] is '$' or '@' && (At(source, i + 1, "\"") || At(source, i + 1, "$\"") || At(source, i + 1, "@\"")));

    /// <summary>The index just past the string or character literal starting at <paramref name="i"/>.</summary>
    private static int SkipLiteral(string source, int i)
    {
        if (source[i] == '\'')
        {
            var close = source.IndexOf('\'', i + (At(source, i + 1, "\\") ? 3 : 2));
            return close < 0 ? source.Length : close + 1;
        }

        var interpolated = false;
        var verbatim = false;
        while (source[i] != '"')
        {
            interpolated |= source[i] == '$';
            verbatim |= source[i] == '@';
            i++;
        }

        if (At(source, i, "\"\"\""))
        {
            // A raw string: its content ends at as many quotes as opened it.
            var quotes = 0;
            while (At(source, i + quotes, "\""))
            {
                quotes++;
            }

            var close = source.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
            return close < 0 ? source.Length : close + quotes;
        }

        for (i++; i < source.Length; i++)
        {
            if (source[i] == '\\' && !verbatim)
            {
                i++;
            }
            else if (source[i] == '"' && verbatim && At(source, i + 1, "\""))
            {
                i++;
            }
            else if (source[i] == '"')
            {
                return i + 1;
            }
            else if (interpolated && source[i] == '{')
            {
                if (At(source, i + 1, "{"))
                {
                    i++;
                }
                else
                {
                    i = SkipHole(source, i + 1) - 1;
                }
            }
        }

        return source.Length;
    }

    /// <summary>The index just past the <c>}</c> closing an interpolation hole whose code starts at <paramref name="i"/>.</summary>
    private static int SkipHole(string source, int i)
    {
        var depth = 0;
        while (i < source.Length)
        {
            if (StartsLiteral(source, i))
            {
                i = SkipLiteral(source, i);
                continue;
            }

            if (source[i] == '{')
            {
                depth++;
            }
            else if (source[i] == '}' && depth-- == 0)
            {
                return i + 1;
            }

            i++;
        }

        return source.Length;
    }

    private static bool At(string text, int index, string value) =>
        index + value.Length <= text.Length && string.CompareOrdinal(text, index, value, 0, value.Length) == 0;

    [GeneratedRegex(@"(?<![\w.])(?:global::)?Gateway\.(?<folder>[A-Z][A-Za-z0-9]*)\b")]
    private static partial Regex GatewayReference();

    [GeneratedRegex(@"^\s*namespace\s+[\w.]+\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();
}
