using SandboxMcp.Common;

namespace SandboxMcp.Transfer;

/// <summary>Paths inside a sandbox made absolute on the host side, so a long-lived transfer never depends on a cwd.</summary>
public static class SandboxPaths
{
    /// <summary>
    /// <paramref name="path"/> made absolute against <paramref name="workingDirectory"/>, with <c>.</c>, <c>..</c> and
    /// repeated slashes resolved lexically (as <c>realpath -m</c> does; <c>..</c> above <c>/</c> stays at <c>/</c>).
    /// </summary>
    public static string Absolute(string path, string workingDirectory, string parameter = "path")
    {
        InputValidation.SandboxPath(path, parameter);
        var parts = new List<string>();
        foreach (var part in (path.StartsWith('/') ? path : workingDirectory + "/" + path).Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    break;
                case "..":
                    if (parts.Count > 0)
                    {
                        parts.RemoveAt(parts.Count - 1);
                    }

                    break;
                default:
                    parts.Add(part);
                    break;
            }
        }

        return "/" + string.Join('/', parts);
    }
}
