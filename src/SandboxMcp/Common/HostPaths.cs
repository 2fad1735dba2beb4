namespace SandboxMcp.Common;

/// <summary>
/// Host paths a tool may touch (upload, download, sync, build contexts): resolved to their real path (every
/// symbolic link followed), inside a configured host root, and never a credential folder or one that holds one.
/// </summary>
/// <param name="roots">Configured roots (<c>~</c> expanded); empty means the server's working directory.</param>
/// <param name="home">The user's home, for <c>~</c> and the credential folders; the real one when null (tests pass their own).</param>
public sealed class HostPaths(IReadOnlyList<string> roots, string? home = null)
{
    /// <summary>Folders and files under HOME that no tool may read or write, whatever the roots say.</summary>
    public static readonly string[] CredentialPaths =
    [
        ".ssh", ".aws", ".gnupg", ".config/gcloud", ".kube", ".docker", ".netrc", ".git-credentials", ".npmrc",
        ".pypirc", ".azure", ".config/gh", "Library/Keychains", ".local/share/keyrings", ".password-store",
    ];

    private readonly string _home = home ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>The roots as real absolute paths.</summary>
    public IReadOnlyList<string> Roots => _roots ??= [.. (roots.Count == 0 ? [Directory.GetCurrentDirectory()] : roots).Select(r => RealPath(Expand(r, _home)))];

    private IReadOnlyList<string>? _roots;

    /// <summary>Resolves an existing host directory under <paramref name="roots"/>: the build-context check.</summary>
    public static string ResolveDirectory(string path, IReadOnlyList<string> roots, string parameter, string? home = null) =>
        new HostPaths(roots, home).ResolveDirectory(path, parameter);

    /// <summary>Resolves an existing directory under the roots.</summary>
    public string ResolveDirectory(string? path, string parameter)
    {
        var real = Resolve(path, parameter);
        return Directory.Exists(real)
            ? real
            : throw new SandboxException($"'{parameter}' {path} is not a directory on the host: give an existing directory.");
    }

    /// <summary>
    /// Resolves <paramref name="path"/> (absolute, <c>~/…</c>, or relative to the first root) to a real path and
    /// checks it; the path itself need not exist yet (a download target), the part that exists is resolved.
    /// </summary>
    public string Resolve(string? path, string parameter = "host_path")
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new SandboxException($"'{parameter}' is empty: give a path on this machine under {string.Join(" or ", Roots)}, e.g. \"~/src/app\".");
        }

        var expanded = Expand(path, _home);
        var real = RealPath(Path.IsPathRooted(expanded) ? expanded : Path.Combine(Roots[0], expanded));
        if (!Roots.Any(r => IsUnder(real, r)))
        {
            throw new SandboxException(
                $"'{parameter}' {path} is outside the host roots the server may use ({string.Join(", ", Roots)}): use a path under them, or add its folder to hostRoots in the configuration.");
        }

        foreach (var credentials in CredentialPaths.Select(c => RealPath(Path.Combine(_home, c))))
        {
            if (IsUnder(real, credentials) || (IsUnder(credentials, real) && Path.Exists(credentials)))
            {
                throw new SandboxException($"'{parameter}' {path} is or contains a credential folder ({credentials}), which is never shared with sandboxes: use a directory that holds only the project.");
            }
        }

        return real;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it.</summary>
    public static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    /// <summary>The path with every symbolic link resolved, component by component; a missing tail is kept as written.</summary>
    public static string RealPath(string path) => RealPath(path, 0);

    private static string RealPath(string path, int depth)
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

    private static string Expand(string path, string home) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal) ? home + path[1..] : path;
}
