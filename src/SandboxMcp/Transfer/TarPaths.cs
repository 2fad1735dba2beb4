using SandboxMcp.Common;

namespace SandboxMcp.Transfer;

/// <summary>
/// The safety rules for names in an archive the host extracts: relative, no <c>..</c>, no NUL. The archive comes
/// from inside a sandbox, so every name is untrusted.
/// </summary>
public static class TarPaths
{
    /// <summary>
    /// Returns <paramref name="name"/> as a clean relative path (<c>./a//b/</c> → <c>a/b</c>; the archive's root
    /// <c>./</c> → empty), or throws when it would land outside the target directory.
    /// </summary>
    public static string Normalize(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw Refused(name, "it has no name");
        }

        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw Refused(name, "it contains a NUL character");
        }

        if (name.StartsWith('/'))
        {
            throw Refused(name, "it is an absolute path");
        }

        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    continue;
                case "..":
                    throw Refused(name, "it climbs out with '..'");
                default:
                    parts.Add(part);
                    break;
            }
        }

        return string.Join('/', parts);
    }

    /// <summary>The target of a hard link entry: a file earlier in the same archive, by the same rules.</summary>
    public static string HardLinkTarget(string name, string? target)
    {
        var normalized = string.IsNullOrEmpty(target) ? "" : Normalize(target);
        return normalized.Length > 0 ? normalized : throw Refused(name, "its hard link has no target");
    }

    /// <summary>An error for an entry that must not be extracted.</summary>
    public static SandboxException Refused(string? name, string why) =>
        new($"Refused archive entry '{InputValidation.Printable(name)}': {why}, which could write outside the target directory. Nothing was written to host_path; download a directory without such entries.");
}
