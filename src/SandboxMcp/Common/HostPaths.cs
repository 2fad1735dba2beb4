namespace SandboxMcp.Common;

/// <summary>
/// Host paths a tool may touch (upload, download, sync, build contexts): resolved to real paths, inside the
/// configured host roots, and never inside a credential folder.
/// </summary>
/// <param name="roots">Configured roots (<c>~</c> expanded); empty means the server's working directory.</param>
public sealed class HostPaths(IReadOnlyList<string> roots)
{
    /// <summary>Folders and files under HOME that no tool may read or write, whatever the roots say.</summary>
    public static readonly string[] CredentialPaths =
    [
        ".ssh", ".aws", ".gnupg", ".config/gcloud", ".kube", ".docker/config.json", ".netrc", ".git-credentials",
        ".npmrc", ".pypirc", ".azure", ".config/gh", "Library/Keychains", ".local/share/keyrings", ".password-store",
    ];

    /// <summary>The roots as real absolute paths.</summary>
    public IReadOnlyList<string> Roots { get; } =
        [.. (roots.Count == 0 ? [Directory.GetCurrentDirectory()] : roots).Select(r => RealPath(Expand(r)))];

    /// <summary>
    /// Resolves <paramref name="path"/> (absolute, <c>~/…</c>, or relative to the first root) to a real path and
    /// checks it; the path itself need not exist yet, its parent must.
    /// </summary>
    public string Resolve(string? path, string parameter = "host_path")
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new SandboxException($"'{parameter}' is empty: give a path on this machine under {string.Join(" or ", Roots)}.");
        }

        var expanded = Expand(path);
        var full = Path.GetFullPath(Path.IsPathRooted(expanded) ? expanded : Path.Combine(Roots[0], expanded));
        var real = RealPath(full);
        var root = Roots.FirstOrDefault(r => IsUnder(real, r));
        if (root is null)
        {
            throw new SandboxException(
                $"{path} is outside the host folders this server may use ({string.Join(", ", Roots)}): use a path under them, or add a root to \"hostRoots\" in the configuration.");
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home) && CredentialPaths.Select(c => RealPath(Path.Combine(home, c))).Any(c => IsUnder(real, c) || IsUnder(c, real)))
        {
            throw new SandboxException($"{path} is or contains a credential folder (~/.ssh, ~/.aws, ~/.gnupg, …): sandboxes never get those.");
        }

        return real;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it.</summary>
    public static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    /// <summary>
    /// The path with every symlink resolved, for the part that exists; the rest is appended as written
    /// (<c>..</c> already folded by <see cref="Path.GetFullPath(string)"/>).
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        if (full.Length == 0)
        {
            return "/";
        }

        var existing = full;
        var rest = new Stack<string>();
        while (!File.Exists(existing) && !Directory.Exists(existing) && !IsLink(existing))
        {
            rest.Push(Path.GetFileName(existing));
            existing = Path.GetDirectoryName(existing) ?? "/";
            if (existing == "/")
            {
                break;
            }
        }

        var resolved = Resolve(existing);
        while (rest.Count > 0)
        {
            resolved = Path.Combine(resolved, rest.Pop());
        }

        return resolved;
    }

    private static string Resolve(string existing)
    {
        // Walk component by component so a symlinked parent directory is followed too.
        var result = "/";
        foreach (var part in existing.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(result, part);
            var info = new FileInfo(next);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                next = target is null ? next : Resolve(Path.GetFullPath(target.FullName));
            }

            result = next;
        }

        return result;
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    private static string Expand(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            return Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
        }

        return path;
    }
}
