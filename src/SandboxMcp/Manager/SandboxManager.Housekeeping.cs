using Microsoft.Extensions.Logging;
using SandboxMcp.Runtimes;
using SandboxMcp.State;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    /// <summary>
    /// Start-up reconciliation: forget and remove expired sandboxes, and remove sandboxes this state directory
    /// owns that state.json does not know (left by a crash). Sandboxes of runtimes that are unavailable right now
    /// are kept: a missing engine is no reason to forget a user's work.
    /// </summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        try
        {
            var available = new List<ISandboxRuntime>();
            foreach (var (runtime, availability) in await catalog.ProbeAllAsync(cancellationToken))
            {
                LogRuntime(runtime.Name, availability.IsAvailable ? "available" : "unavailable", availability.Detail);
                if (availability.IsAvailable)
                {
                    available.Add(runtime);
                }
            }

            var doomed = await state.UpdateAsync(async document =>
            {
                var expired = Expired(document).Where(r => available.Any(a => a.Name == r.Handle.Runtime)).ToList();
                foreach (var record in expired)
                {
                    document.Sandboxes.Remove(record.Name);
                }

                var orphans = new List<(ISandboxRuntime, RuntimeHandle)>();
                foreach (var runtime in available)
                {
                    var known = document.Sandboxes.Values.Where(r => r.Handle.Runtime == runtime.Name).Select(r => r.Handle.Id).ToHashSet(StringComparer.Ordinal);
                    orphans.AddRange((await runtime.ListOwnedAsync(cancellationToken)).Where(h => !known.Contains(h.Id)).Select(h => (runtime, h)));
                }

                return (expired, orphans);
            }, cancellationToken);

            foreach (var record in doomed.expired)
            {
                await DestroyQuietlyAsync(record.Name, catalog.ByName(record.Handle.Runtime)!, record.Handle, "idle TTL expired while no server ran", cancellationToken);
                history.Delete(record.Name);
            }

            foreach (var (runtime, handle) in doomed.orphans)
            {
                await DestroyQuietlyAsync(handle.Id, runtime, handle, "orphan: not in state.json", cancellationToken);
            }

            ListenForSpawners(await state.ReadAsync(cancellationToken));
        }
        finally
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>
    /// Shares this server's use times through state.json, forgets sandboxes another server removed, and destroys
    /// sandboxes idle for longer than the TTL by every server's account.
    /// </summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (expired, vanished) = await state.UpdateAsync(document =>
        {
            foreach (var sandbox in _sandboxes.Values)
            {
                var used = sandbox.IsBusy ? now : sandbox.LastUsedAt;
                if (document.Sandboxes.TryGetValue(sandbox.Name, out var record) && used > record.LastUsedAt)
                {
                    document.Sandboxes[sandbox.Name] = record with { LastUsedAt = used };
                    sandbox.LastPersistedUseAt = used;
                }
            }

            var expiredNow = Expired(document).Where(r => !(_sandboxes.TryGetValue(r.Name, out var local) && local.IsBusy)).ToList();
            foreach (var record in expiredNow)
            {
                document.Sandboxes.Remove(record.Name);
            }

            var gone = _sandboxes.Values.Where(s => !document.Sandboxes.ContainsKey(s.Name) && !s.IsBusy).ToList();
            return (expiredNow, gone);
        }, cancellationToken);

        ListenForSpawners(await state.ReadAsync(cancellationToken));
        foreach (var sandbox in vanished)
        {
            if (expired.All(r => r.Name != sandbox.Name) && _sandboxes.TryRemove(new KeyValuePair<string, Sandbox>(sandbox.Name, sandbox)))
            {
                _dropNotes[sandbox.Name] = "this sandbox had been destroyed by another client or its idle TTL; a fresh one was created";
                await sandbox.DisposeAsync();
            }
        }

        foreach (var record in expired)
        {
            if (_sandboxes.TryRemove(record.Name, out var local))
            {
                await local.DisposeAsync();
            }

            _dropNotes[record.Name] = $"the previous sandbox of this name was idle for more than {options.IdleTtlSeconds} s and was destroyed; a fresh one was created";
            if (catalog.ByName(record.Handle.Runtime) is { } runtime)
            {
                await DestroyQuietlyAsync(record.Name, runtime, record.Handle, "idle TTL expired", cancellationToken);
            }

            history.Delete(record.Name);
        }
    }

    /// <summary>
    /// Keeps a sandbox-ctl listener for every sandbox that may spawn; one that another server served is taken
    /// over when that server has gone.
    /// </summary>
    private void ListenForSpawners(StateDocument document)
    {
        foreach (var record in document.Sandboxes.Values.Where(r => r.Spec.CtlDirectory is not null))
        {
            ctl.EnsureListening(record.Name, record.Spec.CtlDirectory!);
        }
    }

    /// <summary>
    /// Sandboxes to reap: idle past the TTL, children past their lifetime, and children whose parent is gone;
    /// with every descendant of each, so no child outlives its parent.
    /// </summary>
    private List<SandboxRecord> Expired(StateDocument document)
    {
        var now = time.GetUtcNow();
        var idleCutoff = options.IdleTtlSeconds > 0 ? now.AddSeconds(-options.IdleTtlSeconds) : DateTimeOffset.MinValue;
        var expired = document.Sandboxes.Values
            .Where(r => r.LastUsedAt < idleCutoff
                || r.ExpiresAt < now
                || (r.Spec.Parent is { } parent && !document.Sandboxes.ContainsKey(parent)))
            .ToList();
        return [.. expired.SelectMany(r => DescendantsOf(r.Name, document).Append(r)).DistinctBy(r => r.Name)];
    }

    private async Task DestroyQuietlyAsync(string name, ISandboxRuntime runtime, RuntimeHandle handle, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await runtime.DestroyAsync(handle, DestroyScope.Everything, cancellationToken);
            LogDestroyed(name, reason);
        }
#pragma warning disable CA1031 // Housekeeping goes on with the next sandbox; the failure is logged.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogDestroyFailed(ex, name, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Runtime {Runtime} is {State}: {Detail}")]
    private partial void LogRuntime(string runtime, string state, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Destroyed sandbox {Name} ({Reason})")]
    private partial void LogDestroyed(string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not destroy sandbox {Name} ({Reason})")]
    private partial void LogDestroyFailed(Exception exception, string name, string reason);
}
