using System.Globalization;
using System.Text;

namespace Gateway.Tests.Metrics;

/// <summary>
/// A strict reader of the Prometheus text format, for assertions: it rejects what Prometheus would
/// reject (bad escapes, unterminated values, samples without a TYPE), so a test using it also checks the format.
/// </summary>
internal sealed class Exposition
{
    private Exposition(IReadOnlyList<ExpositionSample> samples, IReadOnlyDictionary<string, string> types, IReadOnlyDictionary<string, string> help)
    {
        Samples = samples;
        Types = types;
        Help = help;
    }

    public IReadOnlyList<ExpositionSample> Samples { get; }

    /// <summary>Metric family → type from its <c># TYPE</c> line.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>Metric family → unescaped help text.</summary>
    public IReadOnlyDictionary<string, string> Help { get; }

    public static async Task<Exposition> ScrapeAsync(HttpClient client, Uri baseAddress)
    {
        using var response = await client.GetAsync(new Uri(baseAddress, "/metrics"));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return Parse(await response.Content.ReadAsStringAsync());
    }

    public static Exposition Parse(string text)
    {
        var samples = new List<ExpositionSample>();
        var types = new Dictionary<string, string>();
        var help = new Dictionary<string, string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                types.Add(parts[0], parts[1]);
            }
            else if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ');
                help.Add(rest[..space], UnescapeHelp(rest[(space + 1)..]));
            }
            else if (!line.StartsWith('#'))
            {
                samples.Add(ParseSample(line));
            }
        }

        foreach (var sample in samples)
        {
            Assert.True(types.ContainsKey(FamilyOf(sample.Name, types)), $"sample {sample.Name} has no # TYPE line");
        }

        return new Exposition(samples, types, help);
    }

    /// <summary>The one sample with this name and (at least) these labels.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var matches = Samples.Where(s => s.Matches(name, labels)).ToList();
        Assert.True(matches.Count == 1, $"expected one {name}{{{string.Join(',', labels)}}}, found {matches.Count}");
        return matches[0].Value;
    }

    /// <summary>The sum over samples with this name and these labels; 0 when there are none.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Matches(name, labels)).Sum(s => s.Value);

    private static string FamilyOf(string name, Dictionary<string, string> types)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.GetValueOrDefault(name[..^suffix.Length]) == "histogram")
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    private static ExpositionSample ParseSample(string line)
    {
        var brace = line.IndexOf('{');
        var labels = new Dictionary<string, string>();
        string name;
        string rest;
        if (brace < 0)
        {
            var space = line.IndexOf(' ');
            name = line[..space];
            rest = line[(space + 1)..];
        }
        else
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var key = line[i..eq];
                Assert.Equal('"', line[eq + 1]);
                var value = new StringBuilder();
                var j = eq + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        value.Append(line[j] switch
                        {
                            'n' => '\n',
                            '\\' => '\\',
                            '"' => '"',
                            _ => throw new FormatException($"bad escape \\{line[j]} in: {line}"),
                        });
                    }
                    else
                    {
                        value.Append(line[j]);
                    }
                }

                labels.Add(key, value.ToString());
                i = j + 1;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            Assert.Equal(' ', line[i + 1]);
            rest = line[(i + 2)..];
        }

        var number = rest switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(rest, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new ExpositionSample(name, labels, number);
    }

    private static string UnescapeHelp(string text)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                builder.Append(text[i]);
                continue;
            }

            i++;
            builder.Append(text[i] switch
            {
                'n' => '\n',
                '\\' => '\\',
                _ => throw new FormatException($"bad escape \\{text[i]} in: {text}"),
            });
        }

        return builder.ToString();
    }
}
