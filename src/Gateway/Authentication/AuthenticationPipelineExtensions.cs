using Microsoft.AspNetCore.Authentication;

namespace Gateway.Authentication;

/// <summary>Adds the authentication step to the proxy pipeline.</summary>
internal static class AuthenticationPipelineExtensions
{
    /// <summary>
    /// Adds <see cref="GatewayAuthenticationMiddleware"/> when authentication is configured. Decided at start-up, when its
    /// services are registered (or not): a live edit that adds the first key cannot turn it on, and must not make every
    /// request fail looking for services that are not there.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseGatewayAuthentication(this IReverseProxyApplicationBuilder pipeline)
    {
        if (pipeline.ApplicationServices.GetService<IAuthenticationSchemeProvider>() is not null)
        {
            pipeline.UseMiddleware<GatewayAuthenticationMiddleware>();
        }

        return pipeline;
    }
}
