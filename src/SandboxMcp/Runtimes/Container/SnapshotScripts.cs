namespace SandboxMcp.Runtimes.Container;

/// <summary>
/// Shell code and Containerfiles for saving a container as an image. Paths arrive as <c>$1</c>; images and labels
/// are validated names, never user text.
/// </summary>
internal static class SnapshotScripts
{
    /// <summary>Where a saved workspace travels inside an image: commit does not include volumes.</summary>
    public const string Directory = ContainerRuntime.ScratchDir + "/snapshot";

    /// <summary>The workspace archive inside a snapshot image.</summary>
    public const string WorkspaceArchive = Directory + "/workspace.tar";

    /// <summary>Packs the workspace (<c>$1</c>) into the container's own file system, where commit sees it.</summary>
    public const string PackWorkspace = $"""
        set -e
        mkdir -p {Directory}
        tar -C "$1" -cpf {WorkspaceArchive} .
        """;

    /// <summary>Unpacks a snapshot's workspace into the fresh workspace volume (<c>$1</c>) of a restored sandbox.</summary>
    public const string UnpackWorkspace = $"""
        [ -f {WorkspaceArchive} ] || exit 0
        tar -C "$1" -xpf {WorkspaceArchive} && rm -f {WorkspaceArchive}
        """;

    /// <summary>
    /// What an in-guest archive of the root file system leaves out: kernel file systems, what the engine mounts
    /// (<c>/etc/hosts</c> …, the workspace and cache volumes) and our own snapshot staging.
    /// </summary>
    public static IReadOnlyList<string> RootExclusions(IEnumerable<string> volumeTargets) =>
    [
        "/proc", "/sys", "/dev", "/run", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", Directory,
        .. volumeTargets,
    ];

    /// <summary>Arguments that write a tar of the root file system, minus <paramref name="excluded"/>, to stdout.</summary>
    public static IReadOnlyList<string> ExportRoot(IReadOnlyList<string> excluded) =>
        ["tar", "-C", "/", "-cpf", "-", .. excluded.Select(path => "--exclude=." + path), "."];

    /// <summary>Arguments that write a tar of <paramref name="directory"/> to stdout.</summary>
    public static IReadOnlyList<string> ExportDirectory(string directory) => ["tar", "-C", directory, "-cpf", "-", "."];

    /// <summary>
    /// The Containerfile that turns the two archives into an image on an engine without <c>commit</c> (Apple
    /// <c>container</c>): the base image, the root file system laid over it, the workspace archive kept for restore.
    /// Files deleted in the sandbox but present in the base image come back; everything else is as it was.
    /// </summary>
    public static string TarContainerfile(string baseImage, IReadOnlyDictionary<string, string> labels)
    {
        var labelLines = string.Concat(labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"LABEL \"{l.Key}\"=\"{l.Value}\"\n"));
        return $"""
            FROM {baseImage}
            COPY rootfs.tar workspace.tar {Directory}/
            RUN tar -C / -xpf {Directory}/rootfs.tar && rm -f {Directory}/rootfs.tar
            {labelLines}
            """;
    }
}
