using System.Collections.Concurrent;
using System.Security.Cryptography;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Transfer.Sync;

/// <summary>The running syncs of one sandbox; they end when it is disposed (destroy, reset, shutdown).</summary>
public sealed class SandboxSyncs : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SyncSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Every running sync.</summary>
    public IReadOnlyList<SyncInfo> List() => [.. _sessions.Values.Select(s => s.Info).OrderBy(i => i.Id, StringComparer.Ordinal)];

    /// <summary>Starts mirroring <paramref name="hostRoot"/> into <paramref name="target"/>; returns the session after the initial copy.</summary>
    public async Task<(SyncSession Session, TransferCounts Initial)> StartAsync(
        string hostRoot,
        string target,
        IProcessLauncher launcher,
        Action touch,
        TimeProvider time,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        if (_sessions.Values.FirstOrDefault(s => s.HostRoot == hostRoot && s.Target == target) is { } running)
        {
            throw new SandboxException($"{hostRoot} is already synced to {target} ({running.Id}): stop it with sync_stop first.");
        }

        var session = new SyncSession("sync-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)), hostRoot, target, launcher, touch, time);
        try
        {
            var counts = await session.StartAsync(progress, cancellationToken);
            _sessions[session.Id] = session;
            return (session, counts);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops a sync; false when this sandbox has none of that id.</summary>
    public async Task<SyncInfo?> StopAsync(string id)
    {
        if (!_sessions.TryRemove(id, out var session))
        {
            return null;
        }

        var info = session.Info;
        await session.DisposeAsync();
        return info;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys.ToList())
        {
            await StopAsync(id);
        }
    }
}
