using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>
/// Reads a bare JSON Web Key Set (<c>Gateway:Authentication:JwksUrl</c>) as the configuration JwtBearer's
/// <see cref="ConfigurationManager{T}"/> refreshes, which otherwise expects an OpenID Connect discovery document.
/// A set with no usable signing key is an error, so the manager keeps the keys it had instead of dropping them all.
/// </summary>
internal sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var document = await retriever.GetDocumentAsync(address, cancel);
        var keySet = new JsonWebKeySet(document);
        var configuration = new OpenIdConnectConfiguration { JsonWebKeySet = keySet, JwksUri = address };
        foreach (var key in keySet.GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration.SigningKeys.Count > 0
            ? configuration
            : throw new InvalidDataException($"The JSON Web Key Set at {address} has no usable signing keys.");
    }
}
