using Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Integration;

/// <summary>
/// The gateway on real Kestrel on a loopback port, inside the test process, so a test can also look at
/// its internal state (e.g. queue length). Configured like the real app: appsettings.json plus a --config file.
/// </summary>
internal static class InProcessGateway
{
    public static Task<InProcessServer> StartAsync(
        string configFile, ILoggerProvider? logs = null, string environment = "Production", Action<IServiceCollection>? services = null)
    {
        // The content root is the repository, so the builder loads the root appsettings.json as the real app does.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = RepoLayout.Root });
        builder.Configuration.AddGatewayConfigFile(["--config", configFile]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter("Gateway.AccessLog", LogLevel.Information);
        }

        builder.Services.AddGateway(builder.Configuration);
        services?.Invoke(builder.Services);
        return InProcessServer.StartAsync(builder, app => app.MapGateway());
    }
}
