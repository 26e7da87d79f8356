using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>
/// Loads the token signing keys named in <c>Gateway:Authentication</c>. Each problem names its key, so start-up
/// validation and the JWT handler's configuration read the files the same way.
/// </summary>
internal static class SigningKeys
{
    public const int MinHmacKeyBytes = 32;
    private const string Section = AuthenticationOptions.SectionName;

    public static IReadOnlyList<SecurityKey> Load(AuthenticationOptions options, List<string> failures)
    {
        var keys = new List<SecurityKey>();
        if (!string.IsNullOrEmpty(options.HmacKey))
        {
            var bytes = Encoding.UTF8.GetBytes(options.HmacKey);
            if (bytes.Length < MinHmacKeyBytes)
            {
                failures.Add($"{Section}:HmacKey must be at least {MinHmacKeyBytes} bytes for HS256, got {bytes.Length}.");
            }
            else
            {
                keys.Add(new SymmetricSecurityKey(bytes));
            }
        }

        if (!string.IsNullOrEmpty(options.RsaPublicKeyFile) && Read(options.RsaPublicKeyFile, "RsaPublicKeyFile", failures) is { } pem)
        {
            try
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(pem);
                keys.Add(new RsaSecurityKey(rsa));
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                failures.Add($"{Section}:RsaPublicKeyFile '{options.RsaPublicKeyFile}' holds no usable RSA key in PEM form: {ex.Message}");
            }
        }

        if (!string.IsNullOrEmpty(options.JwksFile) && Read(options.JwksFile, "JwksFile", failures) is { } json)
        {
            try
            {
                var signingKeys = new JsonWebKeySet(json).GetSigningKeys();
                if (signingKeys.Count == 0)
                {
                    failures.Add($"{Section}:JwksFile '{options.JwksFile}' has no usable signing keys.");
                }

                keys.AddRange(signingKeys);
            }
            catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException)
            {
                failures.Add($"{Section}:JwksFile '{options.JwksFile}' is not a JSON Web Key Set: {ex.Message}");
            }
        }

        return keys;
    }

    /// <summary>Relative paths are from the working directory, like <c>--config</c>.</summary>
    private static string? Read(string path, string key, List<string> failures)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            failures.Add($"{Section}:{key} '{path}' cannot be read: {ex.Message}");
            return null;
        }
    }
}
