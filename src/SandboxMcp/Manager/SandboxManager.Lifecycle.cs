using SandboxMcp.Common;
using SandboxMcp.Runtimes;
using SandboxMcp.State;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    /// <summary>Destroys a sandbox: its processes, files and state. Throws when there is no such sandbox.</summary>
    public Task DestroyAsync(string name, CancellationToken cancellationToken) =>
        ExclusiveAsync(name, async () =>
        {
            var (record, hadLocal) = await DetachAsync(name, cancellationToken);
            if (record is null)
            {
                return hadLocal ? true : throw new SandboxException($"There is no sandbox named '{name}': list_all shows the sandboxes that exist.");
            }

            await DestroyDescendantsAsync(name, cancellationToken);
            await DestroyRecordAsync(record, DestroyScope.Everything, cancellationToken);
            await state.UpdateAsync(document => document.Sandboxes.Remove(name), cancellationToken);
            history.Delete(name);
            LogDestroyed(name, "destroy");
            return true;
        }, cancellationToken);

    /// <summary>
    /// Destroys and recreates a sandbox from the same spec: a fresh file system, shell and environment; package
    /// caches survive where the runtime keeps them. A sandbox that does not exist yet is simply created.
    /// </summary>
    public async Task<Sandbox> ResetAsync(string name, CancellationToken cancellationToken)
    {
        await ExclusiveAsync(name, async () =>
        {
            var (record, _) = await DetachAsync(name, cancellationToken);
            if (record is null)
            {
                return false;
            }

            await DestroyDescendantsAsync(name, cancellationToken);
            await DestroyRecordAsync(record, DestroyScope.KeepCaches, cancellationToken);
            await RebuildAsync(catalog.ByName(record.Handle.Runtime)!, record.Spec, "reset", "destroyed and recreated from its spec", cancellationToken);
            return true;
        }, cancellationToken);
        return await GetOrCreateAsync(name, SandboxRequest.FromProfile, cancellationToken);
    }

    /// <summary>
    /// Creates a sandbox afresh from <paramref name="spec"/> (its old container or directory already destroyed),
    /// records it in state.json, attaches it here and audits it. Environment variables set with the env tool are
    /// dropped: a rebuilt sandbox starts clean.
    /// </summary>
    private async Task<Sandbox> RebuildAsync(ISandboxRuntime runtime, SandboxSpec spec, string tool, string summary, CancellationToken cancellationToken)
    {
        var handle = await runtime.CreateAsync(spec with { Env = specs.Environment(spec.Name) }, cancellationToken);
        await PrepareAsync(runtime, handle, spec, cancellationToken);
        var now = time.GetUtcNow();
        var fresh = new SandboxRecord { Name = spec.Name, Spec = spec with { Env = new Dictionary<string, string>() }, Handle = handle, CreatedAt = now, LastUsedAt = now };
        await state.UpdateAsync(document => document.Sandboxes[spec.Name] = fresh, cancellationToken);
        var sandbox = Attach(fresh);
        sandbox.Audit(tool, summary, now, null, null);
        _sandboxes[spec.Name] = sandbox;
        return sandbox;
    }

    /// <summary>Every sandbox of this state directory, whichever server created it.</summary>
    public async Task<IReadOnlyList<SandboxSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await _ready.Task.WaitAsync(cancellationToken);
        var document = await state.ReadAsync(cancellationToken);
        var ttl = options.IdleTtlSeconds;
        return
        [
            .. document.Sandboxes.Values.OrderBy(r => r.Name, StringComparer.Ordinal).Select(record =>
            {
                _sandboxes.TryGetValue(record.Name, out var local);
                var lastUsed = local is not null && local.LastUsedAt > record.LastUsedAt ? local.LastUsedAt : record.LastUsedAt;
                return new SandboxSummary(
                    record.Name,
                    record.Spec.Tier.ToName(),
                    record.Handle.Runtime,
                    record.Spec.Tier == SandboxTier.Vm ? record.Spec.Image : null,
                    record.CreatedAt,
                    lastUsed,
                    Earliest(ttl > 0 ? lastUsed.AddSeconds(ttl) : null, record.ExpiresAt),
                    local is not null,
                    local?.IsBusy ?? false,
                    local?.WorkingDirectory,
                    record.Spec.Parent);
            }),
        ];
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>Sets or (with a null value) unsets a variable in a sandbox and remembers it across shells and restarts.</summary>
    public Task SetEnvAsync(string name, string key, string? value, CancellationToken cancellationToken) =>
        UseAsync(name, async sandbox =>
        {
            await sandbox.ApplyEnvAsync(key, value, cancellationToken);
            await state.UpdateAsync(document =>
            {
                if (document.Sandboxes.TryGetValue(name, out var record))
                {
                    document.Sandboxes[name] = record with { Env = new Dictionary<string, string>(sandbox.ToolEnv, StringComparer.Ordinal) };
                }
            }, cancellationToken);
        }, cancellationToken);

    /// <summary>The audit history of a sandbox, newest last.</summary>
    public Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string name, int limit, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(name);
        return history.ReadAsync(name, limit, cancellationToken);
    }

    /// <summary>Destroys every child (and grandchild) of a sandbox, deepest first.</summary>
    private async Task DestroyDescendantsAsync(string name, CancellationToken cancellationToken)
    {
        foreach (var descendant in DescendantsOf(name, await state.ReadAsync(cancellationToken)))
        {
            if (_sandboxes.TryRemove(descendant.Name, out var local))
            {
                await local.DisposeAsync();
            }

            await DestroyRecordAsync(descendant, DestroyScope.Everything, cancellationToken);
            await state.UpdateAsync(document => document.Sandboxes.Remove(descendant.Name), cancellationToken);
            history.Delete(descendant.Name);
            LogDestroyed(descendant.Name, "its parent went");
        }
    }

    private async Task DestroyRecordAsync(SandboxRecord record, DestroyScope scope, CancellationToken cancellationToken)
    {
        var runtime = catalog.ByName(record.Handle.Runtime)
            ?? throw new SandboxException($"Sandbox '{record.Name}' lives in the '{record.Handle.Runtime}' runtime, which this server does not have.");
        if (record.Spec.CtlDirectory is not null && scope == DestroyScope.Everything)
        {
            ctl.Stop(record.Name);
        }

        await runtime.DestroyAsync(record.Handle, scope, cancellationToken);
    }

    /// <summary>Ends this server's use of a sandbox and returns its record (null when state has none).</summary>
    private async Task<(SandboxRecord? Record, bool HadLocal)> DetachAsync(string name, CancellationToken cancellationToken)
    {
        var record = (await state.ReadAsync(cancellationToken)).Sandboxes.GetValueOrDefault(name);
        if (_sandboxes.TryRemove(name, out var local))
        {
            await local.DisposeAsync();
        }

        return (record, local is not null);
    }

    /// <summary>Runs <paramref name="action"/> as the only create/destroy/reset of <paramref name="name"/> in this server.</summary>
    private async Task<T> ExclusiveAsync<T>(string name, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(name);
        ObjectDisposedException.ThrowIf(_disposed == 1, this);
        await _ready.Task.WaitAsync(cancellationToken);
        var nameLock = _nameLocks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await nameLock.WaitAsync(cancellationToken);
        try
        {
            return await action();
        }
        finally
        {
            nameLock.Release();
        }
    }
}
