using System.Security.Cryptography;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;
using SandboxMcp.State;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    /// <summary>Handle property naming a snapshot artifact a clone runs on, deleted with the clone.</summary>
    private const string OwnedSnapshotProperty = "ownedSnapshot";

    /// <summary>Saves a sandbox's files (its work directory included) as a named snapshot.</summary>
    public async Task<SnapshotRecord> SnapshotAsync(string name, string snapshot, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(snapshot, "snapshot");
        if ((await state.ReadAsync(cancellationToken)).Snapshots.ContainsKey(snapshot))
        {
            throw new SandboxException($"A snapshot named '{snapshot}' exists: delete_snapshot it first, or pick another name.");
        }

        return await UseAsync(name, async sandbox =>
        {
            var since = time.GetUtcNow();
            var artifact = await Snapshots(sandbox.Runtime).SnapshotAsync(sandbox.Handle, sandbox.Spec, snapshot, progress, cancellationToken);
            var record = new SnapshotRecord { Name = snapshot, Artifact = artifact, Source = name, Tier = sandbox.Spec.Tier, CreatedAt = since };
            await state.UpdateAsync(document => document.Snapshots[snapshot] = record, cancellationToken);
            sandbox.Audit("snapshot", $"{snapshot} ({artifact.Reference})", since, null, null);
            return record;
        }, cancellationToken);
    }

    /// <summary>
    /// Replaces a sandbox's files with a snapshot's: the sandbox is recreated from it with its own settings,
    /// keeping package caches. A sandbox that does not exist yet is created from the snapshot.
    /// </summary>
    public async Task<Sandbox> RestoreAsync(string name, string snapshot, CancellationToken cancellationToken)
    {
        var saved = await SnapshotRecordAsync(snapshot, cancellationToken);
        await ExclusiveAsync(name, async () =>
        {
            var (record, _) = await DetachAsync(name, cancellationToken);
            if (record is not null && record.Handle.Runtime != saved.Artifact.Runtime)
            {
                throw new SandboxException($"Snapshot '{snapshot}' was taken on {saved.Artifact.Runtime} and sandbox '{name}' runs on {record.Handle.Runtime}: restore it into a sandbox of that runtime (e.g. a new name).");
            }

            var runtime = catalog.ByName(saved.Artifact.Runtime)
                ?? throw new SandboxException($"Snapshot '{snapshot}' needs the {saved.Artifact.Runtime} runtime, which this server does not have.");
            var spec = record?.Spec ?? specs.Resolve(name, SandboxRequest.FromProfile).Spec with
            {
                Tier = runtime.Tier,
                CtlDirectory = options.SpawnPolicies.ContainsKey(name) ? ctl.DirectoryFor(name) : null,
            };
            if (record is not null)
            {
                await DestroyRecordAsync(record, DestroyScope.KeepCaches, cancellationToken);
            }

            var handle = await Snapshots(runtime).CreateFromSnapshotAsync(saved.Artifact, spec with { Env = specs.Environment(name) }, cancellationToken);
            await PrepareAsync(runtime, handle, spec, cancellationToken);
            var now = time.GetUtcNow();
            var fresh = new SandboxRecord
            {
                Name = name,
                Spec = spec with { Env = new Dictionary<string, string>() },
                Handle = handle,
                Env = record?.Env ?? new Dictionary<string, string>(StringComparer.Ordinal),
                CreatedAt = record?.CreatedAt ?? now,
                LastUsedAt = now,
            };
            await state.UpdateAsync(document => document.Sandboxes[name] = fresh, cancellationToken);
            var sandbox = Attach(fresh);
            sandbox.Audit("restore", snapshot, now, null, null);
            _sandboxes[name] = sandbox;
            return true;
        }, cancellationToken);
        return await GetOrCreateAsync(name, SandboxRequest.FromProfile, cancellationToken);
    }

    /// <summary>Makes <paramref name="target"/> a copy of <paramref name="source"/>: same settings, same files.</summary>
    public async Task<Sandbox> CloneAsync(string source, string target, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(target, "target");
        if (source == target)
        {
            throw new SandboxException("'source' and 'target' are the same sandbox: give the clone a new name.");
        }

        if ((await state.ReadAsync(cancellationToken)).Sandboxes.ContainsKey(target))
        {
            throw new SandboxException($"Sandbox '{target}' exists: destroy it first, or clone to another name.");
        }

        var (runtime, spec, artifact) = await UseAsync(source, async sandbox =>
        {
            var temporary = $"clone-{target}-{RandomNumberGenerator.GetHexString(6, lowercase: true)}";
            var saved = await Snapshots(sandbox.Runtime).SnapshotAsync(sandbox.Handle, sandbox.Spec, temporary, null, cancellationToken);
            sandbox.Audit("clone", $"to {target}", time.GetUtcNow(), null, null);
            return (sandbox.Runtime, sandbox.Spec, saved);
        }, cancellationToken);

        await ExclusiveAsync(target, async () =>
        {
            var snapshots = Snapshots(runtime);
            var targetSpec = spec with
            {
                Name = target,
                Parent = null,
                Env = specs.Environment(target),
                CtlDirectory = options.SpawnPolicies.ContainsKey(target) ? ctl.DirectoryFor(target) : null,
            };
            var handle = await snapshots.CreateFromSnapshotAsync(artifact, targetSpec, cancellationToken);
            await PrepareAsync(runtime, handle, targetSpec, cancellationToken);
            if (snapshots.ArtifactBacksSandbox)
            {
                handle = handle with { Properties = new Dictionary<string, string>(handle.Properties ?? new Dictionary<string, string>()) { [OwnedSnapshotProperty] = artifact.Reference } };
            }
            else
            {
                await snapshots.DeleteSnapshotAsync(artifact, cancellationToken);
            }

            var now = time.GetUtcNow();
            var record = new SandboxRecord { Name = target, Spec = targetSpec with { Env = new Dictionary<string, string>() }, Handle = handle, CreatedAt = now, LastUsedAt = now };
            await state.UpdateAsync(document => document.Sandboxes[target] = record, cancellationToken);
            var sandbox = Attach(record);
            sandbox.Audit("create", $"clone of {source}", now, null, null);
            _sandboxes[target] = sandbox;
            return true;
        }, cancellationToken);
        return await GetOrCreateAsync(target, SandboxRequest.FromProfile, cancellationToken);
    }

    /// <summary>Every snapshot, oldest first.</summary>
    public async Task<IReadOnlyList<SnapshotRecord>> ListSnapshotsAsync(CancellationToken cancellationToken) =>
        [.. (await state.ReadAsync(cancellationToken)).Snapshots.Values.OrderBy(s => s.CreatedAt)];

    /// <summary>Deletes a snapshot's image or archive and forgets it.</summary>
    public async Task DeleteSnapshotAsync(string snapshot, CancellationToken cancellationToken)
    {
        var saved = await SnapshotRecordAsync(snapshot, cancellationToken);
        var runtime = catalog.ByName(saved.Artifact.Runtime)
            ?? throw new SandboxException($"Snapshot '{snapshot}' belongs to the {saved.Artifact.Runtime} runtime, which this server does not have.");
        try
        {
            await Snapshots(runtime).DeleteSnapshotAsync(saved.Artifact, cancellationToken);
        }
        catch (SandboxException ex) when (ex.Message.Contains("in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new SandboxException($"Snapshot '{snapshot}' is in use by a sandbox restored from it: reset or destroy that sandbox first.", ex);
        }

        await state.UpdateAsync(document => document.Snapshots.Remove(snapshot), cancellationToken);
    }

    private async Task<SnapshotRecord> SnapshotRecordAsync(string snapshot, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(snapshot, "snapshot");
        return (await state.ReadAsync(cancellationToken)).Snapshots.GetValueOrDefault(snapshot)
            ?? throw new SandboxException($"There is no snapshot named '{snapshot}': list_snapshots shows them.");
    }

    private static ISnapshotRuntime Snapshots(ISandboxRuntime runtime) =>
        runtime as ISnapshotRuntime ?? throw new SandboxException($"The {runtime.Name} runtime cannot take snapshots.");

    /// <summary>Deletes the snapshot artifact a clone ran on, after its sandbox is gone.</summary>
    private static async Task DeleteOwnedSnapshotAsync(ISandboxRuntime runtime, RuntimeHandle handle, CancellationToken cancellationToken)
    {
        if (handle.Properties?.GetValueOrDefault(OwnedSnapshotProperty) is { } owned && runtime is ISnapshotRuntime snapshots)
        {
            await snapshots.DeleteSnapshotAsync(new SnapshotArtifact(runtime.Name, owned), cancellationToken);
        }
    }
}
