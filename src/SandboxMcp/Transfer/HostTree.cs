using System.Formats.Tar;

namespace SandboxMcp.Transfer;

/// <summary>Walks a host directory without following symbolic links, parents before children, in name order.</summary>
public static class HostTree
{
    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>
    /// Every entry under <paramref name="root"/>; <paramref name="include"/> (relative path, is directory) can leave
    /// entries out, and a directory left out is not entered.
    /// </summary>
    public static IEnumerable<HostEntry> Walk(string root, Func<string, bool, bool>? include = null) => Walk(root, "", include);

    /// <summary>One entry for a path below <paramref name="root"/>, or null when nothing is there.</summary>
    public static HostEntry? Describe(string root, string relative)
    {
        var full = Path.Combine(root, relative);
        var kind = HostFiles.Kind(full);
        return kind == HostFileKind.Missing ? null : new HostEntry(relative, full, kind, kind == HostFileKind.File ? new FileInfo(full).Length : 0);
    }

    /// <summary>
    /// True for a FIFO, socket or device: an empty-looking file that must not be opened (opening a FIFO blocks).
    /// .NET exposes no file type, so the tar writer, which lstat()s it without opening, is asked.
    /// </summary>
    public static bool IsSpecial(string path)
    {
        try
        {
            using var probe = new MemoryStream();
            using (var writer = new TarWriter(probe, TarEntryFormat.Gnu, leaveOpen: true))
            {
                writer.WriteEntry(path, "probe");
            }

            probe.Position = 0;
            using var reader = new TarReader(probe);
            return reader.GetNextEntry()?.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile);
        }
        catch (IOException)
        {
            // Sockets: the tar writer refuses them.
            return true;
        }
    }

    /// <summary>Every entry below the directory <paramref name="relative"/> of <paramref name="root"/>, relative to the root.</summary>
    public static IEnumerable<HostEntry> Walk(string root, string relative, Func<string, bool, bool>? include)
    {
        var directory = new DirectoryInfo(relative.Length == 0 ? root : Path.Combine(root, relative));
        foreach (var info in directory.EnumerateFileSystemInfos("*", OneLevel).OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            var child = relative.Length == 0 ? info.Name : relative + "/" + info.Name;
            var kind = info.LinkTarget is not null ? HostFileKind.Symlink : info is DirectoryInfo ? HostFileKind.Directory : HostFileKind.File;
            if (include is not null && !include(child, kind == HostFileKind.Directory))
            {
                continue;
            }

            yield return new HostEntry(child, info.FullName, kind, info is FileInfo file && kind == HostFileKind.File ? file.Length : 0);
            if (kind == HostFileKind.Directory)
            {
                foreach (var below in Walk(root, child, include))
                {
                    yield return below;
                }
            }
        }
    }
}
