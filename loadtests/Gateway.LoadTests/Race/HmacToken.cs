using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gateway.LoadTests.Race;

/// <summary>Signs an HS256 JWT, as a test identity provider would, for the gateway the scenario starts.</summary>
internal static class HmacToken
{
    public static string Sign(string key, IReadOnlyDictionary<string, object> claims)
    {
        var header = Encode("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes($"{header}.{payload}"));
        return $"{header}.{payload}.{Encode(signature)}";
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
