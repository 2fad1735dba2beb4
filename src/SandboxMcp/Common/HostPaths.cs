namespace SandboxMcp.Common;

/// <summary>
/// Host paths a tool may hand to an engine (a build context): resolved to their real path, inside a configured
/// host root, and never a credential folder or a folder that contains one.
/// </summary>
public static class HostPaths
{
    private static readonly string[] CredentialFolders = [".ssh", ".aws", ".gnupg", ".kube", ".docker", ".config/gcloud", "Library/Keychains"];

    /// <summary>Resolves an existing host directory under <paramref name="roots"/> (default: the server's working directory).</summary>
    public static string ResolveDirectory(string path, IReadOnlyList<string> roots, string parameter) =>
        ResolveDirectory(path, roots, parameter, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>As above, with <paramref name="home"/> as the user's home (for tests).</summary>
    internal static string ResolveDirectory(string path, IReadOnlyList<string> roots, string parameter, string home)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new SandboxException($"'{parameter}' is empty: give a host directory, e.g. \"~/src/app\".");
        }

        var real = RealPath(Expand(path, home));
        if (!Directory.Exists(real))
        {
            throw new SandboxException($"'{parameter}' {path} is not a directory on the host: give an existing directory.");
        }

        var allowed = (roots.Count == 0 ? [Environment.CurrentDirectory] : roots).Select(r => RealPath(Expand(r, home))).ToList();
        if (!allowed.Any(root => IsUnder(real, root)))
        {
            throw new SandboxException($"'{parameter}' {path} is outside the host roots the server may use ({string.Join(", ", allowed)}): move it there, or add its folder to hostRoots in the configuration.");
        }

        foreach (var credentials in CredentialFolders.Select(c => Path.Combine(home, c)))
        {
            if (IsUnder(real, credentials) || IsUnder(credentials, real) && Path.Exists(credentials))
            {
                throw new SandboxException($"'{parameter}' {path} is or contains a credential folder ({credentials}), which is never shared with sandboxes: use a directory that holds only the project.");
            }
        }

        return real;
    }

    private static string Expand(string path, string home) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal) ? home + path[1..] : path;

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    /// <summary>The path with every symbolic link resolved, component by component.</summary>
    private static string RealPath(string path, int depth = 0)
    {
        if (depth > 40)
        {
            throw new SandboxException($"Too many symbolic links resolving {path}.");
        }

        var current = "/";
        foreach (var part in Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            var link = new FileInfo(next).LinkTarget;
            current = link is null ? next : RealPath(Path.IsPathRooted(link) ? link : Path.Combine(current, link), depth + 1);
        }

        return current;
    }
}
