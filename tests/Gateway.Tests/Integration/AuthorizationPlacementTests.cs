using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.LoadBalancing;
using Gateway.Tests.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Gateway.Tests.Integration;

/// <summary>
/// ASP.NET Core's authorization middleware runs in front of proxied requests only when authentication is configured:
/// off, no route may require a policy, and the middleware would only cost every request (and every request waiting in
/// the queue) its state. A transform on the upstream request sees whether it ran: it marks the request's items.
/// </summary>
public sealed class AuthorizationPlacementTests : IAsyncLifetime
{
    private HeaderEchoUpstream _upstream = null!;
    private readonly HttpClient _client = new();
    private readonly List<GatewayConfigFile> _configs = [];

    public async Task InitializeAsync() => _upstream = await HeaderEchoUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _upstream.DisposeAsync();
        _configs.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task AuthenticationOff_AuthorizationMiddlewareDoesNotRun()
    {
        var probe = new ItemsProbe();
        await using var gateway = await StartAsync(probe, config => config.Set("ReverseProxy:Routes:demo:AuthorizationPolicy", JsonValue.Create("anonymous")));

        using var response = await _client.GetAsync(new Uri(gateway.BaseAddress, "/x"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([false], probe.AuthorizationRan);
    }

    [Fact]
    public async Task AuthenticationOn_AuthorizationMiddlewareRunsAndRoutePoliciesHold()
    {
        var probe = new ItemsProbe();
        await using var gateway = await StartAsync(probe, config => config
            .AddCluster("secure", GatewayPolicies.ConcurrencyAware, [_upstream.Address], pathPrefix: "secure")
            .Set("ReverseProxy:Routes:secure:AuthorizationPolicy", JsonValue.Create("default"))
            .Set("Gateway:Authentication:HmacKey", JsonValue.Create(TestTokens.HmacKey)));

        using var open = await _client.GetAsync(new Uri(gateway.BaseAddress, "/x"));
        using var secured = await _client.GetAsync(new Uri(gateway.BaseAddress, "/secure/x"));

        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, secured.StatusCode);
        Assert.Equal([true], probe.AuthorizationRan);
    }

    private async Task<InProcessServer> StartAsync(ItemsProbe probe, Action<GatewayConfigFile> configure)
    {
        var config = new GatewayConfigFile().AddCluster("test", GatewayPolicies.ConcurrencyAware, [_upstream.Address]);
        configure(config);
        _configs.Add(config);
        return await InProcessGateway.StartAsync(config.Write(), services: services => services.AddSingleton<ITransformProvider>(probe));
    }

    /// <summary>Records, per proxied request, whether ASP.NET Core's authorization middleware left its mark in the items.</summary>
    private sealed class ItemsProbe : ITransformProvider
    {
        private readonly ConcurrentQueue<bool> _ran = new();

        public IReadOnlyList<bool> AuthorizationRan => [.. _ran];

        public void ValidateRoute(TransformRouteValidationContext context)
        {
        }

        public void ValidateCluster(TransformClusterValidationContext context)
        {
        }

        public void Apply(TransformBuilderContext context) => context.AddRequestTransform(request =>
        {
            _ran.Enqueue(request.HttpContext.Items.Keys.OfType<string>().Any(key => key.Contains("Authorization", StringComparison.Ordinal)));
            return ValueTask.CompletedTask;
        });
    }
}
