using Gateway.Configuration;
using Gateway.Hosting;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
try
{
    builder.Configuration.AddGatewayConfigFile(args);
    builder.Services.AddGateway(builder.Configuration);

    var app = builder.Build();
    app.MapGateway();
    app.Run();
    return 0;
}
catch (Exception ex) when (StartupErrors.TryDescribe(ex, builder.Configuration, out var message))
{
    Console.Error.WriteLine($"Gateway: {message}");
    return 2;
}
