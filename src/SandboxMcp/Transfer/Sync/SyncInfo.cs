namespace SandboxMcp.Transfer.Sync;

/// <summary>A running host → sandbox sync, as <c>status</c> shows it.</summary>
/// <param name="Id">Its id (<c>sync-xxxxxx</c>), for sync_stop.</param>
/// <param name="HostPath">The host directory (real path).</param>
/// <param name="Path">The directory inside the sandbox.</param>
/// <param name="FilesSynced">Files copied or deleted since it started, the initial copy included.</param>
/// <param name="LastSyncAt">When the last batch arrived.</param>
/// <param name="LastError">Why the last batch failed, when it did (the next change retries).</param>
public sealed record SyncInfo(string Id, string HostPath, string Path, long FilesSynced, DateTimeOffset? LastSyncAt, string? LastError);
