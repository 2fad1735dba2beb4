using SandboxMcp.Common;
using SandboxMcp.Runtimes;
using SandboxMcp.State;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    /// <summary>Saves sandbox <paramref name="name"/> (files, installed packages, workspace) as snapshot <paramref name="snapshot"/>.</summary>
    public Task<SnapshotInfo> SnapshotAsync(string name, string snapshot, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(snapshot, "snapshot");
        return UseAsync(name, async sandbox =>
        {
            var since = time.GetUtcNow();
            var info = await ImagesOf(sandbox.Runtime, sandbox, "snapshot").SnapshotAsync(sandbox.Handle, sandbox.Spec, snapshot, progress, cancellationToken);
            sandbox.Audit("snapshot", $"{snapshot} ({info.Image})", since, 0, null);
            return info;
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces sandbox <paramref name="name"/> with one started from snapshot <paramref name="snapshot"/>: its files
    /// and workspace as they were; package caches kept; processes and env-tool variables start fresh. A sandbox
    /// that does not exist yet is created from the snapshot with its profile's settings.
    /// </summary>
    public async Task<Sandbox> RestoreAsync(string name, string snapshot, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(snapshot, "snapshot");
        await ExclusiveAsync(name, async () =>
        {
            var record = (await state.ReadAsync(cancellationToken)).Sandboxes.GetValueOrDefault(name);
            var runtime = record is null
                ? await VmRuntimeAsync("restore", cancellationToken)
                : catalog.ByName(record.Handle.Runtime) ?? throw new SandboxException($"Sandbox '{name}' lives in the '{record.Handle.Runtime}' runtime, which this server does not have.");
            var images = ImagesOf(runtime, record, "restore");
            var found = await images.FindSnapshotAsync(snapshot, cancellationToken)
                ?? throw new SandboxException($"There is no snapshot named '{snapshot}' on {runtime.Name}: list_snapshots shows the snapshots there are.");
            var spec = record?.Spec ?? specs.Resolve(name, SandboxRequest.FromProfile).Spec with
            {
                Tier = runtime.Tier,
                CtlDirectory = options.SpawnPolicies.ContainsKey(name) ? ctl.DirectoryFor(name) : null,
            };
            await DetachAsync(name, cancellationToken);
            if (record is not null)
            {
                await DestroyRecordAsync(record, DestroyScope.KeepCaches, cancellationToken);
            }

            await RebuildAsync(runtime, spec with { Image = found.Image }, "restore", $"from snapshot {snapshot}", cancellationToken);
            return true;
        }, cancellationToken);
        return await GetOrCreateAsync(name, SandboxRequest.FromProfile, cancellationToken);
    }

    /// <summary>
    /// Creates sandbox <paramref name="target"/> as a copy of <paramref name="source"/>: same settings, files,
    /// workspace and env-tool variables. The copy starts from an image of its own, removed when it is destroyed.
    /// </summary>
    public async Task<Sandbox> CloneAsync(string source, string target, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(target, "target");
        if (source == target)
        {
            throw new SandboxException($"Cannot clone '{source}' onto itself: give another target name.");
        }

        await EnsureAbsentAsync(target, cancellationToken);
        return await UseAsync(source, sandbox => ExclusiveAsync(target, async () =>
        {
            await EnsureAbsentAsync(target, cancellationToken);
            var images = ImagesOf(sandbox.Runtime, sandbox, "clone");
            var since = time.GetUtcNow();
            var image = await images.CaptureForCloneAsync(sandbox.Handle, sandbox.Spec, target, progress, cancellationToken);
            var spec = sandbox.Spec with
            {
                Name = target,
                Image = image,
                Env = specs.Environment(target),
                Parent = null,
                CtlDirectory = options.SpawnPolicies.ContainsKey(target) ? ctl.DirectoryFor(target) : null,
            };
            var handle = await sandbox.Runtime.CreateAsync(spec, cancellationToken);
            await PrepareAsync(sandbox.Runtime, handle, spec, cancellationToken);
            var now = time.GetUtcNow();
            var record = new SandboxRecord
            {
                Name = target,
                Spec = spec with { Env = new Dictionary<string, string>() },
                Handle = handle,
                Env = new Dictionary<string, string>(sandbox.ToolEnv, StringComparer.Ordinal),
                CreatedAt = now,
                LastUsedAt = now,
            };
            if (!await state.UpdateAsync(document => document.Sandboxes.TryAdd(target, record), cancellationToken))
            {
                await sandbox.Runtime.DestroyAsync(handle, DestroyScope.Everything, cancellationToken);
                throw new SandboxException($"Sandbox '{target}' was created by another client while cloning: destroy it first, or clone to another name.");
            }

            var clone = Attach(record);
            clone.Audit("clone", $"from {source}", now, null, null);
            sandbox.Audit("clone", $"to {target}", since, 0, null);
            _sandboxes[target] = clone;
            return clone;
        }, cancellationToken), cancellationToken);
    }

    /// <summary>Snapshots on the vm engine in use.</summary>
    public async Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(CancellationToken cancellationToken) =>
        await ImagesOf(await VmRuntimeAsync("list_snapshots", cancellationToken), null, "list_snapshots").ListSnapshotsAsync(cancellationToken);

    /// <summary>Deletes a snapshot from the vm engine in use.</summary>
    public async Task DeleteSnapshotAsync(string snapshot, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(snapshot, "snapshot");
        await ImagesOf(await VmRuntimeAsync("delete_snapshot", cancellationToken), null, "delete_snapshot").DeleteSnapshotAsync(snapshot, cancellationToken);
    }

    /// <summary>Builds an image on the vm engine in use; the context directory must lie under the configured host roots.</summary>
    public async Task<ImageBuildResult> BuildImageAsync(string containerfile, string tag, string? context, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var contextDirectory = context is null ? null : HostPaths.ResolveDirectory(context, options.HostRoots, "context");
        var runtime = await VmRuntimeAsync("build_image", cancellationToken);
        return await ImagesOf(runtime, null, "build_image").BuildImageAsync(containerfile, tag, contextDirectory, progress, cancellationToken);
    }

    /// <summary>Images of the vm engine in use.</summary>
    public async Task<(string Engine, IReadOnlyList<ImageInfo> Images)> ListImagesAsync(CancellationToken cancellationToken)
    {
        var runtime = await VmRuntimeAsync("images", cancellationToken);
        return (runtime.Name, await ImagesOf(runtime, null, "images").ListImagesAsync(cancellationToken));
    }

    /// <summary>The vm runtime new sandboxes would use, or an error saying why there is none.</summary>
    private async Task<ISandboxRuntime> VmRuntimeAsync(string tool, CancellationToken cancellationToken)
    {
        try
        {
            return await catalog.ResolveAsync(SandboxTier.Vm, null, cancellationToken);
        }
        catch (SandboxException ex)
        {
            throw new SandboxException($"{tool} needs the vm tier (podman, docker or Apple container). {ex.Message}", ex);
        }
    }

    private static IImageRuntime ImagesOf(ISandboxRuntime runtime, object? sandbox, string tool) =>
        runtime as IImageRuntime ?? throw new SandboxException(sandbox switch
        {
            Sandbox s => $"{tool} needs the vm tier (podman, docker or Apple container); sandbox '{s.Name}' runs on tier {s.Spec.Tier.ToName()} ({runtime.Name}). Create a vm sandbox (create with tier \"vm\") to use snapshots.",
            SandboxRecord r => $"{tool} needs the vm tier (podman, docker or Apple container); sandbox '{r.Name}' runs on tier {r.Spec.Tier.ToName()} ({runtime.Name}): destroy it, or restore into a vm sandbox of another name.",
            _ => $"{tool} needs the vm tier; runtime {runtime.Name} has no images.",
        });

    private async Task EnsureAbsentAsync(string name, CancellationToken cancellationToken)
    {
        if (_sandboxes.ContainsKey(name) || (await state.ReadAsync(cancellationToken)).Sandboxes.ContainsKey(name))
        {
            throw new SandboxException($"Sandbox '{name}' already exists: destroy it first, or clone to another name.");
        }
    }
}
