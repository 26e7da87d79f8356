using DemoUpstream;
using DemoUpstream.Work;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDemoUpstream(builder.Configuration);

var app = builder.Build();
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
