using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace DemoUpstream.Jobs;

/// <summary>
/// The tenant a job belongs to, from <c>X-Tenant-Id</c>. Only the gateway sets that header (it strips inbound
/// copies), so DemoUpstream trusts it; without it the job belongs to <see cref="Anonymous"/>.
/// </summary>
internal static partial class JobTenant
{
    public const string HeaderName = "X-Tenant-Id";

    public const string Anonymous = "anonymous";

    /// <summary>1–64 characters of <c>[A-Za-z0-9_.-]</c>; the same rule names queues.</summary>
    public static bool IsValidName(string? value) => value is not null && NamePattern().IsMatch(value);

    /// <summary>The tenant named by the header values, <see cref="Anonymous"/> when absent; false when invalid or repeated.</summary>
    public static bool TryResolve(StringValues header, out string tenant)
    {
        if (header.Count == 0)
        {
            tenant = Anonymous;
            return true;
        }

        tenant = header.Count == 1 ? header[0] ?? "" : "";
        return header.Count == 1 && IsValidName(tenant);
    }

    [GeneratedRegex(@"\A[A-Za-z0-9_.\-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
