using Microsoft.Extensions.Configuration;

namespace SandboxMcp.Configuration;

/// <summary>Reads and validates <see cref="SandboxMcpOptions"/> from the file, the environment and the command line.</summary>
public static class ConfigurationLoader
{
    /// <summary>Environment variables with this prefix override the file (<c>SANDBOXMCP_IDLETTLSECONDS=600</c>).</summary>
    public const string EnvironmentPrefix = "SANDBOXMCP_";

    /// <summary>Loads the options, or throws <see cref="ConfigurationException"/> naming the bad key.</summary>
    public static SandboxMcpOptions Load(ServerPaths paths, string[] args)
    {
        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(paths.ConfigFile, optional: true, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .AddCommandLine(args)
                .Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            throw new ConfigurationException($"Cannot read configuration ({paths.ConfigFile}, {EnvironmentPrefix}* variables or command line): {ex.Message}", ex);
        }

        var unknown = UnknownKeys.Find(configuration, typeof(SandboxMcpOptions));
        if (unknown.Count > 0)
        {
            throw new ConfigurationException($"Invalid configuration ({paths.ConfigFile}, {EnvironmentPrefix}* variables or command line):\n  " + string.Join("\n  ", unknown));
        }

        var options = new SandboxMcpOptions();
        try
        {
            configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException($"Invalid configuration ({paths.ConfigFile}, {EnvironmentPrefix}* variables or command line): {ex.Message}", ex);
        }

        var errors = OptionsValidator.Validate(options);
        if (errors.Count > 0)
        {
            throw new ConfigurationException("Invalid configuration:\n  " + string.Join("\n  ", errors));
        }

        return options;
    }
}
