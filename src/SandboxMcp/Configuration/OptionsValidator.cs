using System.Globalization;
using SandboxMcp.Common;

namespace SandboxMcp.Configuration;

/// <summary>Checks values the binder cannot: enumerations, sizes, ranges, names.</summary>
public static class OptionsValidator
{
    /// <summary>Tier names accepted in configuration and by <c>create</c>.</summary>
    public static readonly string[] Tiers = ["auto", "vm", "seatbelt", "native"];

    /// <summary>Engine names accepted in configuration.</summary>
    public static readonly string[] Engines = ["auto", "apple", "podman", "docker"];

    /// <summary>Network modes accepted in configuration and by <c>create</c>.</summary>
    public static readonly string[] Networks = ["default", "none", "allowlist"];

    /// <summary>Returns one message per invalid value, each naming its key.</summary>
    public static IReadOnlyList<string> Validate(SandboxMcpOptions options)
    {
        var errors = new List<string>();
        OneOf(errors, "defaultTier", options.DefaultTier, Tiers);
        OneOf(errors, "engine", options.Engine, Engines);
        if (string.IsNullOrWhiteSpace(options.DefaultImage))
        {
            errors.Add("defaultImage: must not be empty (e.g. \"localhost/sandbox-mcp-base:bookworm\")");
        }

        Range(errors, "idleTtlSeconds", options.IdleTtlSeconds, 0, int.MaxValue);
        Range(errors, "maxTimeoutSeconds", options.MaxTimeoutSeconds, 1, 7 * 24 * 3600);
        Range(errors, "defaultTimeoutSeconds", options.DefaultTimeoutSeconds, 1, options.MaxTimeoutSeconds);
        Range(errors, "maxOutputBytes", options.MaxOutputBytes, 1024, 64 * 1024 * 1024);
        Range(errors, "historyLimit", options.HistoryLimit, 0, 100_000);
        if (!Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(options.LogLevel, ignoreCase: true, out _))
        {
            errors.Add($"logLevel: '{options.LogLevel}' is not one of Trace, Debug, Information, Warning, Error, Critical, None");
        }

        foreach (var (root, index) in options.HostRoots.Select((r, i) => (r, i)))
        {
            if (string.IsNullOrWhiteSpace(root))
            {
                errors.Add($"hostRoots:{index}: must not be empty");
            }
        }

        Profile(errors, "sandboxDefaults", options.SandboxDefaults);
        AllowlistNetwork(errors, "sandboxDefaults", options.SandboxDefaults, options.SandboxDefaults, options.Engine);
        foreach (var (name, profile) in options.Profiles)
        {
            Name(errors, "profiles", name);
            Profile(errors, $"profiles:{name}", profile);
            AllowlistNetwork(errors, $"profiles:{name}", profile, options.SandboxDefaults, options.Engine);
        }

        foreach (var (name, policy) in options.SpawnPolicies)
        {
            Name(errors, "spawnPolicies", name);
            var key = $"spawnPolicies:{name}";
            Range(errors, key + ":maxChildren", policy.MaxChildren, 0, 1000);
            Range(errors, key + ":maxSpawns", policy.MaxSpawns, 0, 1_000_000);
            Range(errors, key + ":childTtlSeconds", policy.ChildTtlSeconds, 1, int.MaxValue);
            if (policy.CpuBudget <= 0 || double.IsNaN(policy.CpuBudget))
            {
                errors.Add($"{key}:cpuBudget: {policy.CpuBudget.ToString(CultureInfo.InvariantCulture)} must be a positive number of CPUs");
            }

            Size(errors, key + ":memoryBudget", policy.MemoryBudget);
        }

        return errors;
    }

    private static void Profile(List<string> errors, string key, ProfileOptions profile)
    {
        if (profile.Tier is not null)
        {
            OneOf(errors, key + ":tier", profile.Tier, Tiers);
        }

        if (profile.Network is not null)
        {
            OneOf(errors, key + ":network", profile.Network, Networks);
        }

        if (profile.Memory is not null)
        {
            Size(errors, key + ":memory", profile.Memory);
        }

        if (profile.Cpus is { } cpus && (cpus <= 0 || cpus > 1024 || double.IsNaN(cpus)))
        {
            errors.Add($"{key}:cpus: {cpus.ToString(CultureInfo.InvariantCulture)} must be a number of CPUs above 0 (e.g. 0.5, 2)");
        }

        if (profile.Pids is { } pids)
        {
            Range(errors, key + ":pids", pids, 16, 1_000_000);
        }

        if (profile.OpenFiles is { } files)
        {
            Range(errors, key + ":openFiles", files, 64, 1_048_576);
        }

        foreach (var envKey in profile.Env?.Keys ?? Enumerable.Empty<string>())
        {
            if (!InputValidation.IsEnvKey(envKey))
            {
                errors.Add($"{key}:env:{envKey}: not a valid environment variable name");
            }
        }

        HostPathList(errors, key + ":readOnlyPaths", profile.ReadOnlyPaths);
        HostPathList(errors, key + ":readWritePaths", profile.ReadWritePaths);
        HostPathList(errors, key + ":deniedPaths", profile.DeniedPaths);
        foreach (var envKey in profile.PassEnv ?? [])
        {
            if (!InputValidation.IsEnvKey(envKey))
            {
                errors.Add($"{key}:passEnv: '{envKey}' is not a valid environment variable name");
            }
        }
    }

    /// <summary>
    /// The allowlist's patterns, and the combinations that cannot mean what they say: hosts next to network
    /// <c>none</c> or <c>default</c> in one profile, hosts on a tier without the proxy, <c>allowlist</c> without hosts.
    /// </summary>
    private static void AllowlistNetwork(List<string> errors, string key, ProfileOptions profile, ProfileOptions defaults, string engine)
    {
        var hosts = profile.AllowedHosts ?? [];
        foreach (var (text, index) in hosts.Select((h, i) => (h, i)))
        {
            if (Network.HostPattern.TryParse(text, out var error) is null)
            {
                errors.Add($"{key}:allowedHosts:{index}: {error}");
            }
        }

        if (hosts.Count > 0 && profile.Network is "none" or "default")
        {
            errors.Add($"{key}:allowedHosts: set together with network \"{profile.Network}\", which it cannot restrict: remove one of them (allowedHosts alone means network \"allowlist\")");
        }

        if ((hosts.Count > 0 || profile.Network == "allowlist") && (profile.Tier == "native" || (profile.Tier == "vm" && engine == "apple")))
        {
            var tier = profile.Tier == "native" ? "tier \"native\" (host processes with the host's network)" : "engine \"apple\" (its containers always have a network)";
            errors.Add($"{key}:allowedHosts: the network allowlist is available on the seatbelt tier and the vm tier with podman or docker, not {tier}: use one of those or remove allowedHosts");
        }

        if (profile.Network == "allowlist" && hosts.Count == 0 && (defaults.AllowedHosts ?? []).Count == 0)
        {
            errors.Add($"{key}:network: \"allowlist\" needs allowedHosts (e.g. [\"pypi.org\", \"*.pythonhosted.org\"]) in this profile or in sandboxDefaults");
        }
    }

    private static void HostPathList(List<string> errors, string key, List<string>? paths)
    {
        foreach (var (path, index) in (paths ?? []).Select((p, i) => (p, i)))
        {
            if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal) || !(path.StartsWith('/') || path == "~" || path.StartsWith("~/", StringComparison.Ordinal)))
            {
                errors.Add($"{key}:{index}: '{path}' is not an absolute host path (give \"/data/x\" or \"~/src/x\")");
            }
        }
    }

    private static void Name(List<string> errors, string section, string name)
    {
        try
        {
            InputValidation.SandboxName(name);
        }
        catch (SandboxException)
        {
            errors.Add($"{section}:{name}: '{name}' is not a valid sandbox name (a-z, 0-9, '_', '.', '-'; at most 63)");
        }
    }

    private static void OneOf(List<string> errors, string key, string value, string[] allowed)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add($"{key}: '{value}' is not one of {string.Join(", ", allowed)}");
        }
    }

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key}: {value} is outside {min}..{max}");
        }
    }

    private static void Size(List<string> errors, string key, string value)
    {
        if (!ByteSize.TryParse(value, out var bytes) || bytes < 4L << 20)
        {
            errors.Add($"{key}: '{value}' is not a size of at least 4m (e.g. 512m, 2g)");
        }
    }
}
