using System.Diagnostics;
using SandboxMcp.Common;

namespace SandboxMcp.Runtimes.Container;

public sealed partial class ContainerRuntime
{
    private const int BuildOutputLines = 40;

    /// <inheritdoc />
    public async Task<SnapshotInfo> SnapshotAsync(RuntimeHandle handle, SandboxSpec spec, string name, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var image = ContainerNames.SnapshotImage(Owner, name);
        var labels = Labels(spec.Name);
        labels[ContainerNames.SnapshotLabel] = name;
        await CaptureAsync(handle, spec, image, labels, progress, cancellationToken);
        return await FindSnapshotAsync(name, cancellationToken) ?? new SnapshotInfo(name, image, Name, null, null);
    }

    /// <inheritdoc />
    public async Task<string> CaptureForCloneAsync(RuntimeHandle handle, SandboxSpec spec, string target, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var image = ContainerNames.CloneImage(Owner, target);
        await CaptureAsync(handle, spec, image, Labels(target), progress, cancellationToken);
        return image;
    }

    /// <inheritdoc />
    public async Task<SnapshotInfo?> FindSnapshotAsync(string name, CancellationToken cancellationToken) =>
        (await ListSnapshotsAsync(cancellationToken)).FirstOrDefault(s => s.Name == name);

    /// <inheritdoc />
    public async Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(CancellationToken cancellationToken)
    {
        var prefix = ContainerNames.SnapshotRepository(Owner) + ":";
        return
        [
            .. (await ListImagesAsync(cancellationToken))
                .Where(i => i.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Select(i => new SnapshotInfo(i.Name[prefix.Length..], i.Name, Name, i.CreatedAt, i.SizeBytes))
                .OrderBy(s => s.CreatedAt ?? DateTimeOffset.MinValue),
        ];
    }

    /// <inheritdoc />
    public async Task DeleteSnapshotAsync(string name, CancellationToken cancellationToken)
    {
        var image = ContainerNames.SnapshotImage(Owner, name);
        var output = await RunAsync(_cli.RemoveImage(image), cancellationToken);
        if (output.Succeeded)
        {
            return;
        }

        if (_cli.IsNotFound(output))
        {
            throw new SandboxException($"There is no snapshot named '{name}' on {Name}: list_snapshots shows the snapshots there are.");
        }

        if (_cli.IsInUse(output))
        {
            throw new SandboxException($"Snapshot '{name}' is in use by a sandbox restored or cloned from it: destroy that sandbox first (list_all shows them), then delete the snapshot.");
        }

        throw EngineException.From(Name, $"delete snapshot '{name}'", output);
    }

    /// <inheritdoc />
    public async Task<ImageBuildResult> BuildImageAsync(string containerfile, string tag, string? contextDirectory, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var engine = await ProbeAsync(cancellationToken);
        if (!engine.IsAvailable)
        {
            throw new SandboxException($"Cannot build images: {engine.Detail}.");
        }

        var started = Stopwatch.GetTimestamp();
        var work = WorkDirectory("build");
        try
        {
            var file = Path.Combine(work, "Containerfile");
            await File.WriteAllTextAsync(file, containerfile, cancellationToken);
            var tail = new Queue<string>();
            var output = await RunAsync(
                _cli.Build(tag, file, contextDirectory ?? work, new Dictionary<string, string> { [ContainerNames.OwnerLabel] = Owner }),
                cancellationToken,
                line =>
                {
                    lock (tail)
                    {
                        tail.Enqueue(line);
                        if (tail.Count > BuildOutputLines)
                        {
                            tail.Dequeue();
                        }
                    }

                    progress?.Report(line);
                });
            string text;
            lock (tail)
            {
                text = string.Join('\n', tail);
            }

            if (!output.Succeeded)
            {
                throw new SandboxException($"{Name} could not build {tag} (exit {output.ExitCode}). The build ended with:\n{text}");
            }

            return new ImageBuildResult(tag, Name, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, text);
        }
        finally
        {
            DeleteWorkDirectory(work);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ImageInfo>> ListImagesAsync(CancellationToken cancellationToken)
    {
        var output = await RunCheckedAsync(_cli.ListImages(), "list its images", cancellationToken);
        return _cli.ParseImages(output);
    }

    /// <summary>
    /// Saves a sandbox as <paramref name="image"/>. With <c>commit</c> (podman, docker) the workspace volume is first
    /// packed into the container's own file system, which commit does see. Without it (Apple <c>container</c>) the
    /// root file system and the workspace are archived inside the guest, streamed out and built into an image on
    /// top of the sandbox's image.
    /// </summary>
    private async Task CaptureAsync(RuntimeHandle handle, SandboxSpec spec, string image, IReadOnlyDictionary<string, string> labels, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (_cli.SupportsCommit)
        {
            progress?.Report($"packing {WorkDir} into the container's file system");
            await ExecCheckedAsync(handle, ["sh", "-c", SnapshotScripts.PackWorkspace, "sandbox-mcp-snapshot", WorkDir], "pack the workspace", cancellationToken);
            try
            {
                progress?.Report($"saving {handle.Id} as {image}");
                await RunCheckedAsync(_cli.Commit(handle.Id, image, labels), $"save {handle.Id} as {image}", cancellationToken);
            }
            finally
            {
                await ExecAsync(handle, ["rm", "-f", SnapshotScripts.WorkspaceArchive], CancellationToken.None);
            }

            return;
        }

        var work = WorkDirectory("capture");
        try
        {
            progress?.Report("archiving the root file system inside the sandbox");
            var excluded = SnapshotScripts.RootExclusions([WorkDir, .. CacheMounts.Select(c => c.Target)]);
            await ExportAsync(handle, SnapshotScripts.ExportRoot(excluded), Path.Combine(work, "rootfs.tar"), "archive the root file system", cancellationToken);
            progress?.Report($"archiving {WorkDir}");
            await ExportAsync(handle, SnapshotScripts.ExportDirectory(WorkDir), Path.Combine(work, "workspace.tar"), "archive the workspace", cancellationToken);
            var file = Path.Combine(work, "Containerfile");
            await File.WriteAllTextAsync(file, SnapshotScripts.TarContainerfile(spec.Image!, labels), cancellationToken);
            progress?.Report($"building {image}");
            await RunCheckedAsync(_cli.Build(image, file, work, labels), $"build {image}", cancellationToken, line => progress?.Report(line));
        }
        finally
        {
            DeleteWorkDirectory(work);
        }
    }

    /// <summary>A private scratch directory on the host for build contexts (under the state directory, not /tmp: archives can be large).</summary>
    private string WorkDirectory(string purpose)
    {
        var root = Path.Combine(_paths.StateDirectory, "tmp");
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var directory = Path.Combine(root, $"{purpose}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return directory;
    }

    private static void DeleteWorkDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the next start; it holds nothing the user needs.
        }
    }
}
