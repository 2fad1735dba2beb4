using System.Globalization;
using SandboxMcp.Common;

namespace SandboxMcp.Runtimes.Container;

public sealed partial class ContainerRuntime : ISnapshotRuntime, IImageRuntime
{
    private const string WorkspaceArchive = ScratchDir + "/workspace.tar";

    /// <summary>
    /// Forces the in-guest tar + build path even where the engine can commit; it is the only path on Apple
    /// container, and tests prove it on engines that run here.
    /// </summary>
    internal bool ForceTarSnapshots { get; set; }

    /// <inheritdoc />
    public bool ArtifactBacksSandbox => true;

    /// <inheritdoc />
    public async Task<SnapshotArtifact> SnapshotAsync(RuntimeHandle handle, SandboxSpec spec, string snapshot, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var image = ContainerNames.SnapshotImage(Owner, snapshot);
        var labels = new Dictionary<string, string> { [ContainerNames.OwnerLabel] = Owner, ["sandbox-mcp.snapshot"] = snapshot };
        var launcher = new RuntimeLauncher(this, handle);
        if (_cli.SupportsCommit && !ForceTarSnapshots)
        {
            // The workspace is a volume, which commit leaves out: fold it into the file system for the moment.
            progress?.Report("archiving /workspace");
            await launcher.RunCheckedAsync(["sh", "-c", $"mkdir -p {ScratchDir} && tar -C {WorkDir} -cf {WorkspaceArchive} ."], "archive the workspace", cancellationToken);
            try
            {
                progress?.Report($"committing {handle.Id} as {image}");
                await RunCheckedAsync(_cli.Commit(handle.Id, image, labels), $"save {handle.Id} as an image", cancellationToken);
            }
            finally
            {
                await launcher.RunAsync(new ProcessSpec(["rm", "-f", WorkspaceArchive]), ReadOnlyMemory<byte>.Empty, 4096, CancellationToken.None);
            }
        }
        else
        {
            await TarBuildSnapshotAsync(launcher, spec, image, labels, progress, cancellationToken);
        }

        return new SnapshotArtifact(Name, image);
    }

    /// <inheritdoc />
    public async Task<RuntimeHandle> CreateFromSnapshotAsync(SnapshotArtifact snapshot, SandboxSpec spec, CancellationToken cancellationToken)
    {
        var handle = await CreateAsync(spec with { Image = snapshot.Reference }, cancellationToken);
        await new RuntimeLauncher(this, handle).RunCheckedAsync(
            ["sh", "-c", $"if [ -f {WorkspaceArchive} ]; then tar -C {WorkDir} -xpf {WorkspaceArchive} && rm -f {WorkspaceArchive}; fi"],
            "restore the workspace",
            cancellationToken);
        return handle;
    }

    /// <inheritdoc />
    public async Task DeleteSnapshotAsync(SnapshotArtifact snapshot, CancellationToken cancellationToken)
    {
        var output = await RunAsync(_cli.RemoveImage(snapshot.Reference), cancellationToken);
        if (!output.Succeeded && !_cli.IsNotFound(output))
        {
            throw EngineException.From(Name, $"delete image {snapshot.Reference}", output);
        }
    }

    /// <inheritdoc />
    public async Task BuildImageAsync(string containerfile, string tag, string contextDirectory, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string> { [ContainerNames.OwnerLabel] = Owner };
        await RunCheckedAsync(_cli.Build(tag, containerfile, contextDirectory, labels), $"build {tag}", cancellationToken, line => progress?.Report(line));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ImageInfo>> ListImagesAsync(CancellationToken cancellationToken) =>
        _cli.ParseImages(await RunCheckedAsync(_cli.ListImages(), "list images", cancellationToken));

    /// <summary>
    /// Where there is no commit: stream a tar of the guest's root and of its workspace to the host, and build
    /// an image <c>FROM</c> the sandbox's image that unpacks them (Apple container's way, per its maintainers).
    /// </summary>
    private async Task TarBuildSnapshotAsync(RuntimeLauncher launcher, SandboxSpec spec, string image, IReadOnlyDictionary<string, string> labels, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var context = Directory.CreateTempSubdirectory("sandbox-mcp-snapshot-");
        try
        {
            var excludes = new[] { "./proc", "./sys", "./dev", "./run", "./tmp", "." + WorkDir, "." + ScratchDir }
                .Concat(CacheMounts.Select(c => "." + c.Target))
                .Select(e => "--exclude=" + e);
            progress?.Report("archiving the file system");
            await launcher.RunToFileAsync(new ProcessSpec(["tar", "-C", "/", "-cpf", "-", .. excludes, "."]), Path.Combine(context.FullName, "rootfs.tar"), "archive the file system", cancellationToken);
            progress?.Report("archiving /workspace");
            await launcher.RunToFileAsync(new ProcessSpec(["tar", "-C", WorkDir, "-cpf", "-", "."]), Path.Combine(context.FullName, "workspace.tar"), "archive the workspace", cancellationToken);
            var containerfile = Path.Combine(context.FullName, "Containerfile");
            var labelLines = string.Concat(labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"LABEL {l.Key}=\"{l.Value}\"\n"));
            await File.WriteAllTextAsync(
                containerfile,
                string.Create(CultureInfo.InvariantCulture, $"""
                    FROM {spec.Image}
                    COPY rootfs.tar workspace.tar {ScratchDir}/
                    RUN tar -xpf {ScratchDir}/rootfs.tar -C / && rm -f {ScratchDir}/rootfs.tar
                    {labelLines}
                    """),
                cancellationToken);
            progress?.Report($"building {image}");
            await BuildImageAsync(containerfile, image, context.FullName, progress, cancellationToken);
        }
        finally
        {
            context.Delete(recursive: true);
        }
    }
}
