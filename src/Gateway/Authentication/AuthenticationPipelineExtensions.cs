using Microsoft.AspNetCore.Authentication;

namespace Gateway.Authentication;

/// <summary>Adds the authentication step to the proxy pipeline, and keeps authorization out of it when authentication is off.</summary>
internal static class AuthenticationPipelineExtensions
{
    /// <summary>The flag <c>UseAuthorization</c> sets; WebApplication adds the middleware itself only while it is missing.</summary>
    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";

    /// <summary>
    /// With authentication off, keeps the host from putting ASP.NET Core's authorization middleware in front of every
    /// request. YARP's registration brings the authorization services, and WebApplication adds their middleware whenever
    /// they are registered and the app has not placed it. Off, no route may require a policy
    /// (<see cref="AuthenticationOptionsValidator"/>), so the middleware would only cost each request an items dictionary
    /// and an async state machine, which every request waiting in the queue would hold. On, the host adds it as before.
    /// </summary>
    public static IApplicationBuilder OmitAuthorizationWhenAuthenticationIsOff(this IApplicationBuilder app)
    {
        if (!IsOn(app.ApplicationServices))
        {
            app.Properties[AuthorizationMiddlewareSetKey] = true;
        }

        return app;
    }

    /// <summary>
    /// Adds <see cref="GatewayAuthenticationMiddleware"/> when authentication is configured. Decided at start-up, when its
    /// services are registered (or not): a live edit that adds the first key cannot turn it on, and must not make every
    /// request fail looking for services that are not there.
    /// </summary>
    public static IReverseProxyApplicationBuilder UseGatewayAuthentication(this IReverseProxyApplicationBuilder pipeline)
    {
        if (IsOn(pipeline.ApplicationServices))
        {
            pipeline.UseMiddleware<GatewayAuthenticationMiddleware>();
        }

        return pipeline;
    }

    /// <summary>
    /// Whether authentication is on: its services are registered only then (<see cref="AuthenticationServiceCollectionExtensions"/>),
    /// so both pipeline decisions read the one made at registration.
    /// </summary>
    private static bool IsOn(IServiceProvider services) => services.GetService<IAuthenticationSchemeProvider>() is not null;
}
