using DemoUpstream;
using DemoUpstream.Jobs;
using DemoUpstream.Work;
using ServerMetrics;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDemoUpstream(builder.Configuration);

var app = builder.Build();
try
{
    // Resolving services here already reads (and validates) options, so this is inside the try too.
    app.MapServerMetrics();
    _ = app.Services.GetRequiredService<DemoMetrics>(); // Its gauges are exposed before the first request.
    app.MapJobs();
    app.MapSimulatedWork();
    app.Run();
}
catch (OptionsValidationException ex)
{
    // A bad setting stops start-up with the key named, not a stack trace.
    Console.Error.WriteLine($"DemoUpstream: invalid configuration: {string.Join(" ", ex.Failures)}");
    return 2;
}

return 0;
