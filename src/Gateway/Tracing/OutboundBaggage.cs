using System.Text;
using Microsoft.Extensions.Primitives;

namespace Gateway.Tracing;

/// <summary>
/// Builds the <c>baggage</c> header sent upstream (W3C Baggage): the gateway's own members first, then the
/// caller's valid members in their order and their original text. Members the gateway owns (<c>qdelay</c>, any
/// case) are never taken from the caller. Past 64 members or 8192 bytes whole members are dropped, never cut.
/// </summary>
internal static class OutboundBaggage
{
    public const int MaxMembers = 64;
    public const int MaxBytes = 8192;

    public static BaggageComposition Compose(StringValues inbound, IReadOnlyList<string> ownMembers)
    {
        if (inbound.Count == 0 && ownMembers.Count == 0)
        {
            return default; // The common case allocates nothing.
        }

        var builder = new StringBuilder();
        int members = 0, stripped = 0, invalid = 0, overLimit = 0;
        foreach (var member in ownMembers)
        {
            Append(member);
        }

        foreach (var header in inbound)
        {
            foreach (var range in header.AsSpan().Split(','))
            {
                var member = header.AsSpan()[range].Trim(" \t");
                if (member.IsEmpty)
                {
                    continue;
                }

                if (!TryReadKey(member, out var key))
                {
                    invalid++;
                }
                else if (IsGatewayOwned(key))
                {
                    stripped++;
                }
                else
                {
                    Append(member);
                }
            }
        }

        return new BaggageComposition(builder.Length == 0 ? null : builder.ToString(), stripped, invalid, overLimit);

        void Append(ReadOnlySpan<char> member)
        {
            var needed = member.Length + (builder.Length == 0 ? 0 : 1);
            if (members == MaxMembers || builder.Length + needed > MaxBytes)
            {
                overLimit++;
                return;
            }

            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(member);
            members++;
        }
    }

    /// <summary>True for <c>qdelay</c> and <c>qdelay.*</c> in any case: a lenient upstream must not read a caller's copy.</summary>
    public static bool IsGatewayOwned(ReadOnlySpan<char> key) =>
        key.StartsWith("qdelay", StringComparison.OrdinalIgnoreCase) && (key.Length == 6 || key[6] == '.');

    /// <summary>
    /// Checks one list-member (<c>key OWS "=" OWS value *( OWS ";" OWS property )</c>): the key is an RFC 7230
    /// token and the value and properties use only baggage octets (printable ASCII except space, <c>"</c>,
    /// <c>,</c>, <c>;</c> and <c>\</c>, which are percent-encoded).
    /// </summary>
    internal static bool TryReadKey(ReadOnlySpan<char> member, out ReadOnlySpan<char> key)
    {
        key = default;
        var eq = member.IndexOf('=');
        if (eq <= 0)
        {
            return false;
        }

        key = member[..eq].TrimEnd(" \t");
        if (key.IsEmpty || !IsToken(key))
        {
            return false;
        }

        var rest = member[(eq + 1)..];
        var semicolon = rest.IndexOf(';');
        var value = (semicolon < 0 ? rest : rest[..semicolon]).Trim(" \t");
        if (!IsBaggageOctets(value))
        {
            return false;
        }

        // Properties: key or key=value, separated by ';'. Their octets follow the same rules.
        if (semicolon >= 0)
        {
            foreach (var range in rest[(semicolon + 1)..].Split(';'))
            {
                var property = rest[(semicolon + 1)..][range].Trim(" \t");
                var propertyEq = property.IndexOf('=');
                var propertyKey = (propertyEq < 0 ? property : property[..propertyEq]).Trim(" \t");
                if (propertyKey.IsEmpty || !IsToken(propertyKey)
                    || (propertyEq >= 0 && !IsBaggageOctets(property[(propertyEq + 1)..].Trim(" \t"))))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsToken(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is <= ' ' or >= (char)0x7F or '(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '\\' or '"' or '/' or '[' or ']' or '?' or '=' or '{' or '}')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsBaggageOctets(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is <= ' ' or >= (char)0x7F or '"' or ',' or ';' or '\\')
            {
                return false;
            }
        }

        return true;
    }
}
