using Microsoft.Extensions.Configuration;

namespace SandboxMcp.Configuration;

/// <summary>Reads and validates <see cref="SandboxMcpOptions"/> from the file, the environment and the command line.</summary>
public static class ConfigurationLoader
{
    /// <summary>Environment variables with this prefix override the file (<c>SANDBOXMCP_IDLETTLSECONDS=600</c>).</summary>
    public const string EnvironmentPrefix = "SANDBOXMCP_";

    /// <summary>
    /// Variables with the prefix that are not configuration: the test suite's switch for engines that must be
    /// present (a developer's shell may well have it set when they start a server).
    /// </summary>
    public static readonly string[] ReservedVariables = ["SANDBOXMCP_REQUIRE"];

    /// <summary>
    /// <c>PROFILES__ML__MEMORY</c> → <c>PROFILES:ml:MEMORY</c>. Property names match in any case, but profile and
    /// policy names are sandbox names, which are lower case; environment variables are usually upper case.
    /// </summary>
    private static string EnvironmentKey(string name)
    {
        var parts = name.Split("__");
        if (parts.Length > 1 && (parts[0].Equals("profiles", StringComparison.OrdinalIgnoreCase) || parts[0].Equals("spawnPolicies", StringComparison.OrdinalIgnoreCase)))
        {
            parts[1] = parts[1].ToLowerInvariant();
        }

        return string.Join(':', parts);
    }

    /// <summary>Loads the options from the process environment, or throws <see cref="ConfigurationException"/> naming the bad key.</summary>
    public static SandboxMcpOptions Load(ServerPaths paths, string[] args) =>
        Load(paths, args, Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value));

    /// <summary>Loads the options from <paramref name="environment"/> (tests pass their own).</summary>
    public static SandboxMcpOptions Load(ServerPaths paths, string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        // .NET's convention: SANDBOXMCP_PROFILES__ML__MEMORY is profiles:ml:memory.
        var fromEnvironment = environment
            .Where(e => e.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) && !ReservedVariables.Contains(e.Key, StringComparer.OrdinalIgnoreCase))
            .ToDictionary(e => EnvironmentKey(e.Key[EnvironmentPrefix.Length..]), e => e.Value);
        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(paths.ConfigFile, optional: true, reloadOnChange: false)
                .AddInMemoryCollection(fromEnvironment)
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
