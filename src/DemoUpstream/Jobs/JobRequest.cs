using System.Text.Json;

namespace DemoUpstream.Jobs;

/// <summary>
/// A parsed <c>POST /jobs</c> body: <c>{ "priority", "work_ms", "fail_attempts", "fail", "children", "child_depth",
/// "payload" }</c>, every field optional. Unknown fields are refused, so a misspelt one is not silently ignored.
/// </summary>
internal sealed record JobRequest(string Queue, JobSpec Spec)
{
    /// <summary>Parses <paramref name="body"/> (null for an empty body); on failure names the field and the problem.</summary>
    public static bool TryParse(JsonElement? body, JobsOptions options, out JobRequest request, out JobRequestError error)
    {
        request = new JobRequest(options.DefaultQueue, new JobSpec());
        error = default;
        if (body is not { } root)
        {
            return true;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            error = new JobRequestError("body", "The body must be a JSON object.");
            return false;
        }

        var queue = options.DefaultQueue;
        var spec = new JobSpec();
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "priority":
                    var queues = options.EffectiveQueues();
                    if (value.ValueKind != JsonValueKind.String || !queues.Contains(value.GetString(), StringComparer.Ordinal))
                    {
                        error = new JobRequestError("priority", $"'priority' must be one of {string.Join(", ", queues)}.");
                        return false;
                    }

                    queue = value.GetString()!;
                    break;
                case "work_ms":
                    if (!TryInteger(value, "work_ms", JobSpec.MaxWorkMs, out var workMs, out error))
                    {
                        return false;
                    }

                    spec = spec with { WorkMs = workMs };
                    break;
                case "fail_attempts":
                    if (!TryInteger(value, "fail_attempts", int.MaxValue, out var failAttempts, out error))
                    {
                        return false;
                    }

                    spec = spec with { FailAttempts = (int)failAttempts };
                    break;
                case "fail":
                    if (value.ValueKind != JsonValueKind.String || value.GetString() is not ("none" or "permanent"))
                    {
                        error = new JobRequestError("fail", "'fail' must be \"none\" or \"permanent\".");
                        return false;
                    }

                    spec = spec with { FailPermanently = value.GetString() == "permanent" };
                    break;
                case "children":
                    if (!TryInteger(value, "children", options.MaxChildren, out var children, out error))
                    {
                        return false;
                    }

                    spec = spec with { Children = (int)children };
                    break;
                case "child_depth":
                    if (!TryInteger(value, "child_depth", int.MaxValue, out var childDepth, out error))
                    {
                        return false;
                    }

                    spec = spec with { ChildDepth = (int)childDepth };
                    break;
                case "payload":
                    spec = spec with { Payload = value.Clone() };
                    break;
                default:
                    error = new JobRequestError(property.Name, $"'{property.Name}' is not a job field.");
                    return false;
            }
        }

        if (spec.Descendants(options.MaxChildren) > options.MaxChildren)
        {
            error = new JobRequestError(
                "children",
                $"'children' {spec.Children} over 'child_depth' {spec.ChildDepth} levels makes more than {options.MaxChildren} child jobs (DemoUpstream:Jobs:MaxChildren).");
            return false;
        }

        request = new JobRequest(queue, spec);
        return true;
    }

    private static bool TryInteger(JsonElement value, string field, long max, out long result, out JobRequestError error)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out result) && result >= 0 && result <= max)
        {
            error = default;
            return true;
        }

        result = 0;
        error = new JobRequestError(field, $"'{field}' must be a whole number from 0 to {max}, got {Shorten(value.GetRawText())}.");
        return false;
    }

    private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..40] + "…";
}
