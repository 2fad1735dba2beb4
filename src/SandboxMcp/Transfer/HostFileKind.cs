namespace SandboxMcp.Transfer;

/// <summary>What a host path is, looked at without following a final symbolic link.</summary>
public enum HostFileKind
{
    /// <summary>Nothing there.</summary>
    Missing,

    /// <summary>A real directory.</summary>
    Directory,

    /// <summary>A symbolic link (to anything, or dangling).</summary>
    Symlink,

    /// <summary>A file, FIFO, socket or device.</summary>
    File,
}

/// <summary>lstat-like checks on host paths.</summary>
public static class HostFiles
{
    /// <summary>The kind of <paramref name="path"/> itself (a symbolic link is reported as one, not followed).</summary>
    public static HostFileKind Kind(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return HostFileKind.Symlink;
        }

        return Directory.Exists(path) ? HostFileKind.Directory : info.Exists ? HostFileKind.File : HostFileKind.Missing;
    }

    /// <summary>Permission bits only: set-user-id, set-group-id and sticky bits from an archive are dropped.</summary>
    public static UnixFileMode PermissionBits(UnixFileMode mode) => mode & (UnixFileMode)0x1FF;
}
