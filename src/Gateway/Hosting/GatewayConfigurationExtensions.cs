using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Gateway.Hosting;

/// <summary>Handles <c>--config FILE</c>: one more JSON file layered over appsettings.json.</summary>
public static class GatewayConfigurationExtensions
{
    public const string ConfigSwitch = "--config";

    /// <summary>
    /// Adds the file named by <c>--config FILE</c> (or <c>--config=FILE</c>) above the appsettings files and
    /// below environment variables and the command line, so <c>--Gateway:Key=value</c> still wins.
    /// </summary>
    public static ConfigurationManager AddGatewayConfigFile(this ConfigurationManager configuration, string[] args)
    {
        string? file = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == ConfigSwitch)
            {
                file = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{ConfigSwitch} needs a file name.");
            }
            else if (args[i].StartsWith(ConfigSwitch + "=", StringComparison.Ordinal))
            {
                file = args[i][(ConfigSwitch.Length + 1)..];
            }
        }

        if (file is null)
        {
            return configuration;
        }

        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{ConfigSwitch}: configuration file '{path}' does not exist.", path);
        }

        // The host adds a prefixed (ASPNETCORE_) environment source below appsettings.json and the app's own
        // environment source above it; the file goes just below the latter.
        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var index = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource or Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationSource)
            {
                index = i;
                if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" })
                {
                    break;
                }
            }
        }

        var json = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: true).Sources[0];
        if (index >= 0)
        {
            sources.Insert(index, json);
        }
        else
        {
            sources.Add(json);
        }

        return configuration;
    }
}
