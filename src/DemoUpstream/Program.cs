using DemoUpstream;
using DemoUpstream.Work;
using MetricsExposition;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDemoUpstream(builder.Configuration);

var app = builder.Build();
app.MapPrometheusMetrics();
_ = app.Services.GetRequiredService<DemoMetrics>(); // Its gauges are exposed before the first request.
app.MapSimulatedWork();

try
{
    app.Run();
}
catch (OptionsValidationException ex)
{
    // A bad setting stops start-up with the key named, not a stack trace.
    Console.Error.WriteLine($"DemoUpstream: invalid configuration: {string.Join(" ", ex.Failures)}");
    return 2;
}

return 0;
