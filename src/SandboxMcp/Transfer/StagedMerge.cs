using SandboxMcp.Common;

namespace SandboxMcp.Transfer;

/// <summary>
/// Moves an extracted staging tree into its host target by renames: first every conflict is found (nothing moves
/// when one is refused), then the moves run. An existing host file is replaced only with <c>overwrite</c>, and then
/// by a rename over it, so a symbolic link on the host is replaced, never written through.
/// </summary>
public static class StagedMerge
{
    private const int ConflictsShown = 5;

    /// <summary>Merges the directory <paramref name="staged"/> into <paramref name="target"/> (created when missing).</summary>
    public static void MergeDirectory(string staged, string target, bool overwrite, IReadOnlyDictionary<string, UnixFileMode> directoryModes)
    {
        var plan = new List<(string From, string To, bool Replace)>();
        var conflicts = new List<string>();
        var existing = new HashSet<string>(StringComparer.Ordinal);
        switch (HostFiles.Kind(target))
        {
            case HostFileKind.Missing:
                plan.Add((staged, target, false));
                break;
            case HostFileKind.Directory:
                existing.Add("");
                Plan(staged, target, "", overwrite, plan, conflicts, existing);
                break;
            default:
                throw new SandboxException($"host_path {target} exists and is not a directory: give a directory path for a directory download.");
        }

        Refuse(conflicts);
        Execute(plan);
        foreach (var (relative, mode) in directoryModes.OrderByDescending(d => d.Key.Length))
        {
            if (!existing.Contains(relative))
            {
                File.SetUnixFileMode(relative.Length == 0 ? target : Path.Combine(target, relative), mode);
            }
        }
    }

    /// <summary>Moves the single staged file <paramref name="staged"/> to <paramref name="target"/>.</summary>
    public static void MoveFile(string staged, string target, bool overwrite)
    {
        switch (HostFiles.Kind(target))
        {
            case HostFileKind.Directory:
                throw new SandboxException($"host_path {target} is a directory: name a file, or a directory that does not hold one of that name.");
            case HostFileKind.Missing:
                break;
            default:
                Refuse(overwrite ? [] : [target]);
                break;
        }

        File.Move(staged, target, overwrite: true);
    }

    private static void Plan(string staged, string target, string relative, bool overwrite, List<(string, string, bool)> plan, List<string> conflicts, HashSet<string> existing)
    {
        foreach (var entry in new DirectoryInfo(Path.Combine(staged, relative)).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var child = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            var from = Path.Combine(staged, child);
            var to = Path.Combine(target, child);
            var stagedIsDirectory = HostFiles.Kind(from) == HostFileKind.Directory;
            switch (HostFiles.Kind(to))
            {
                case HostFileKind.Missing:
                    plan.Add((from, to, false));
                    break;
                case HostFileKind.Directory when stagedIsDirectory:
                    existing.Add(child);
                    Plan(staged, target, child, overwrite, plan, conflicts, existing);
                    break;
                case HostFileKind.Directory:
                    conflicts.Add(child + " (a directory on the host)");
                    break;
                default:
                    if (overwrite)
                    {
                        plan.Add((from, to, true));
                    }
                    else
                    {
                        conflicts.Add(child);
                    }

                    break;
            }
        }
    }

    private static void Refuse(List<string> conflicts)
    {
        if (conflicts.Count == 0)
        {
            return;
        }

        var shown = string.Join(", ", conflicts.Take(ConflictsShown)) + (conflicts.Count > ConflictsShown ? $" and {conflicts.Count - ConflictsShown} more" : "");
        throw new SandboxException($"Download refused: {conflicts.Count} path(s) already exist on the host ({shown}). Nothing was changed: pass overwrite: true to replace files, or choose another host_path.");
    }

    private static void Execute(List<(string From, string To, bool Replace)> plan)
    {
        foreach (var (from, to, replace) in plan)
        {
            if (HostFiles.Kind(from) == HostFileKind.Directory)
            {
                if (replace)
                {
                    // The host has a file or symbolic link there: remove that entry itself, never what it points at.
                    File.Delete(to);
                }

                Directory.Move(from, to);
            }
            else
            {
                // rename(2) replaces the entry at the destination atomically and does not follow a link there.
                File.Move(from, to, overwrite: replace);
            }
        }
    }
}
