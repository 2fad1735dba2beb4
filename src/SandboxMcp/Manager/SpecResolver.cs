using SandboxMcp.Common;
using SandboxMcp.Configuration;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Manager;

/// <summary>
/// Turns a sandbox name and a <c>create</c> call into a spec: call &gt; profile of that name &gt;
/// <c>sandboxDefaults</c> &gt; built-in defaults.
/// </summary>
public sealed class SpecResolver(SandboxMcpOptions options)
{
    /// <summary>Built-in defaults for what neither the call nor the configuration sets.</summary>
    public const double DefaultCpus = 2;

    /// <summary>Default memory limit.</summary>
    public const string DefaultMemory = "1g";

    /// <summary>Default process limit.</summary>
    public const int DefaultPids = 1024;

    /// <summary>Default open files limit.</summary>
    public const int DefaultOpenFiles = 4096;

    /// <summary>Resolves the spec for <paramref name="name"/>; throws a <see cref="SandboxException"/> for bad call values.</summary>
    public ResolvedRequest Resolve(string name, SandboxRequest request)
    {
        var profile = options.Profiles.GetValueOrDefault(name) ?? new ProfileOptions();
        var defaults = options.SandboxDefaults;
        var tierName = request.Tier ?? profile.Tier ?? defaults.Tier ?? options.DefaultTier;
        var tier = SandboxTierNames.Parse(tierName);
        var memory = request.Memory ?? profile.Memory ?? defaults.Memory ?? DefaultMemory;
        var memoryBytes = ByteSize.Parse(memory, "memory");
        if (memoryBytes < 4L << 20)
        {
            throw new SandboxException($"Invalid memory '{memory}': give at least 4m (e.g. 512m, 2g).");
        }

        var cpus = request.Cpus ?? profile.Cpus ?? defaults.Cpus ?? DefaultCpus;
        if (double.IsNaN(cpus) || cpus <= 0 || cpus > 1024)
        {
            throw new SandboxException($"Invalid cpus {cpus}: give a number above 0 (e.g. 0.5, 2).");
        }

        // allowedHosts without a network key means "allowlist" at that level, so a profile's hosts win over a
        // default network of sandboxDefaults, and a profile's "none" wins over hosts of sandboxDefaults.
        var network = (request.Network ?? NetworkOf(profile) ?? NetworkOf(defaults)) switch
        {
            null => NetworkMode.Unspecified,
            "default" => NetworkMode.Default,
            "none" => NetworkMode.None,
            "allowlist" => NetworkMode.Allowlist,
            var other => throw new SandboxException($"Invalid network '{InputValidation.Printable(other)}': use \"default\", \"none\" or \"allowlist\" (with allowedHosts in the profile)."),
        };
        List<string> allowedHosts = network == NetworkMode.Allowlist
            ? [.. (defaults.AllowedHosts ?? []).Concat(profile.AllowedHosts ?? []).Distinct(StringComparer.Ordinal)]
            : [];
        if (network == NetworkMode.Allowlist && allowedHosts.Count == 0)
        {
            throw new SandboxException(
                $"Network \"allowlist\" needs the hosts to allow: set allowedHosts (e.g. [\"pypi.org\", \"*.pythonhosted.org\"]) in the profile \"{name}\" or in sandboxDefaults of the configuration.");
        }

        var image = request.Image ?? profile.Image ?? defaults.Image ?? options.DefaultImage;
        if (string.IsNullOrWhiteSpace(image) || image.Any(char.IsWhiteSpace) || image.StartsWith('-'))
        {
            throw new SandboxException($"Invalid image '{InputValidation.Printable(image)}': give an image reference like localhost/sandbox-mcp-base:bookworm.");
        }

        var spec = new SandboxSpec
        {
            Name = name,
            Tier = tier ?? SandboxTier.Native,
            Image = image,
            Cpus = cpus,
            MemoryBytes = memoryBytes,
            Pids = profile.Pids ?? defaults.Pids ?? DefaultPids,
            OpenFiles = profile.OpenFiles ?? defaults.OpenFiles ?? DefaultOpenFiles,
            Network = network,
            AllowedHosts = allowedHosts,
            ReadOnlyPaths = [.. (defaults.ReadOnlyPaths ?? []).Concat(profile.ReadOnlyPaths ?? []).Distinct(StringComparer.Ordinal)],
            ReadWritePaths = [.. (defaults.ReadWritePaths ?? []).Concat(profile.ReadWritePaths ?? []).Distinct(StringComparer.Ordinal)],
            DeniedPaths = [.. (defaults.DeniedPaths ?? []).Concat(profile.DeniedPaths ?? []).Distinct(StringComparer.Ordinal)],
            Env = Environment(name),
        };
        return new ResolvedRequest(tier, spec);
    }

    private static string? NetworkOf(ProfileOptions profile) =>
        profile.Network ?? (profile.AllowedHosts is { Count: > 0 } ? "allowlist" : null);

    /// <summary>
    /// The configured environment of a sandbox: <c>sandboxDefaults.env</c>, the profile's env, and the server
    /// variables named in <c>passEnv</c>. Recomputed on every start so it never has to be stored.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment(string name)
    {
        var profile = options.Profiles.GetValueOrDefault(name);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in new[] { options.SandboxDefaults, profile })
        {
            foreach (var key in source?.PassEnv ?? [])
            {
                if (System.Environment.GetEnvironmentVariable(key) is { } value)
                {
                    env[key] = value;
                }
            }

            foreach (var (key, value) in source?.Env ?? [])
            {
                env[key] = value;
            }
        }

        return env;
    }
}
