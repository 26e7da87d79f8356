// Stock YARP: AddReverseProxy().LoadFromConfig and MapReverseProxy, nothing else. The benchmarks pass the
// ReverseProxy section as a JSON file (--config FILE) and the listen address with --urls. The content root is the
// binary's folder, so the gateway's appsettings.json in the working directory is not picked up.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (builder.Configuration["config"] is { } configFile)
{
    builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
}

builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

var app = builder.Build();
app.MapReverseProxy();
app.Run();
