using SandboxMcp.Common;

namespace SandboxMcp.Runtimes.Policy;

/// <summary>
/// Builds the <see cref="SandboxPolicy"/> of a sandbox from its spec: system locations of this OS, the profile's
/// extra paths (<c>~</c> expanded, every symbolic link resolved, required to exist), and the denied list (the
/// credential folders of <see cref="HostPaths.CredentialPaths"/>, system secrets, the profile's own).
/// </summary>
/// <param name="home">The user's home, for <c>~</c> and the credential folders.</param>
/// <param name="systemCandidates">System locations to make readable when they exist (see <see cref="LinuxSystemPaths"/>).</param>
/// <param name="systemSecrets">System files and folders to deny when they exist (see <see cref="LinuxSystemSecrets"/>).</param>
public sealed class PolicyBuilder(string home, IReadOnlyList<string> systemCandidates, IReadOnlyList<string> systemSecrets)
{
    /// <summary>Readable system locations on Linux: programs, libraries, configuration, add-on toolchains.</summary>
    public static readonly string[] LinuxSystemPaths = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt"];

    /// <summary>Readable system locations on macOS (Seatbelt matches real paths: <c>/private/etc</c>, not <c>/etc</c>).</summary>
    public static readonly string[] MacSystemPaths =
        ["/usr", "/bin", "/sbin", "/System", "/Library", "/private/etc", "/private/var/db/timezone", "/private/var/select", "/opt/homebrew", "/Applications/Xcode.app"];

    /// <summary>System secrets under readable locations: password hashes, sudo rules, TLS and SSH host keys.</summary>
    public static readonly string[] LinuxSystemSecrets =
        ["/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers", "/etc/sudoers.d", "/etc/security/opasswd", "/etc/ssl/private", "/etc/ssh/ssh_host_*_key"];

    /// <summary>System secrets on macOS.</summary>
    public static readonly string[] MacSystemSecrets = ["/private/etc/master.passwd", "/private/etc/sudoers", "/private/etc/sudoers.d", "/private/etc/ssh/ssh_host_*_key"];

    /// <summary>A builder for this machine's OS and the server's HOME.</summary>
    public static PolicyBuilder ForThisMachine(string home) =>
        OperatingSystem.IsMacOS() ? new(home, MacSystemPaths, MacSystemSecrets) : new(home, LinuxSystemPaths, LinuxSystemSecrets);

    /// <summary>Builds the policy; throws a <see cref="SandboxException"/> naming the profile key of a path that cannot be used.</summary>
    /// <param name="spec">The sandbox's spec (extra paths, network).</param>
    /// <param name="sandboxDirectory">The sandbox's own directory (exists).</param>
    /// <param name="tempDirectory">Its temporary directory (exists).</param>
    /// <param name="stateDirectory">The server's state directory.</param>
    /// <param name="ctlSocket">The host path of its sandbox-ctl socket, or null.</param>
    public SandboxPolicy Build(SandboxSpec spec, string sandboxDirectory, string tempDirectory, string stateDirectory, string? ctlSocket)
    {
        var system = new List<string>();
        var links = new List<PathLink>();
        foreach (var candidate in systemCandidates.Where(Path.Exists))
        {
            var real = HostPaths.RealPath(candidate);
            if (real != candidate && new FileInfo(candidate).LinkTarget is { } target)
            {
                links.Add(new PathLink(candidate, target));
            }

            if (!system.Any(s => HostPaths.IsUnder(real, s)))
            {
                system.RemoveAll(s => HostPaths.IsUnder(s, real));
                system.Add(real);
            }
        }

        var denied = new List<string>();
        foreach (var path in HostPaths.CredentialPaths.Select(c => Path.Combine(home, c)).Concat(systemSecrets.SelectMany(Glob)).Concat(spec.DeniedPaths.Select(Expand)))
        {
            var real = HostPaths.RealPath(path);
            if (!denied.Contains(real, StringComparer.Ordinal))
            {
                denied.Add(real);
            }
        }

        var readOnly = Existing(spec.ReadOnlyPaths, "readOnlyPaths", denied);
        var readWrite = Existing(spec.ReadWritePaths, "readWritePaths", denied);
        foreach (var root in readWrite)
        {
            // bubblewrap can only mask what exists: a credential path missing under a writable root could be created.
            if (denied.FirstOrDefault(d => HostPaths.IsUnder(d, root) && !Path.Exists(d)) is { } missing)
            {
                throw new SandboxException(
                    $"readWritePaths: {root} would let the sandbox create {missing}, a denied path that does not exist yet: give a narrower directory that holds only the project.");
            }
        }

        return new SandboxPolicy
        {
            SandboxDirectory = HostPaths.RealPath(sandboxDirectory),
            TempDirectory = HostPaths.RealPath(tempDirectory),
            StateDirectory = HostPaths.RealPath(stateDirectory),
            SystemPaths = system,
            SystemLinks = links,
            ReadOnlyPaths = readOnly,
            ReadWritePaths = readWrite,
            DeniedPaths = denied,
            NetworkAllowed = spec.Network == NetworkMode.Default,
            AllowedHosts = spec.Network == NetworkMode.Allowlist ? AllowedHosts(spec.AllowedHosts) : [],
            CtlSocket = ctlSocket,
        };
    }

    /// <summary>The allowlist, normalized; a pattern that slipped past configuration validation is refused here.</summary>
    internal static List<string> AllowedHosts(IReadOnlyList<string> patterns)
    {
        if (patterns.Count == 0)
        {
            throw new SandboxException("network \"allowlist\" needs allowedHosts in the profile: name the hosts to allow (e.g. [\"pypi.org\"]).");
        }

        try
        {
            return [.. Network.HostAllowlist.Parse(patterns).Patterns.Select(p => p.Text)];
        }
        catch (FormatException ex)
        {
            throw new SandboxException(ex.Message, ex);
        }
    }

    private List<string> Existing(IReadOnlyList<string> paths, string key, List<string> denied)
    {
        var result = new List<string>();
        foreach (var path in paths)
        {
            var real = HostPaths.RealPath(Expand(path));
            if (!Path.Exists(real))
            {
                throw new SandboxException($"{key}: {path} does not exist on this machine: create it or remove it from the profile.");
            }

            if (denied.FirstOrDefault(d => HostPaths.IsUnder(real, d)) is { } inside)
            {
                throw new SandboxException($"{key}: {path} is inside the denied path {inside}, which no sandbox may use: remove it from the profile.");
            }

            if (!result.Contains(real, StringComparer.Ordinal))
            {
                result.Add(real);
            }
        }

        return result;
    }

    private string Expand(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal) ? home + path[1..] : path;

    /// <summary>A path, or for a last component with <c>*</c>, the existing entries it matches.</summary>
    private static IEnumerable<string> Glob(string path)
    {
        var name = Path.GetFileName(path);
        if (!name.Contains('*', StringComparison.Ordinal))
        {
            return [path];
        }

        var directory = Path.GetDirectoryName(path)!;
        return Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory, name).Order(StringComparer.Ordinal) : [];
    }
}
