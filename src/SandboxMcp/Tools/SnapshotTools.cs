using System.ComponentModel;
using System.Globalization;
using System.Text;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Manager;

namespace SandboxMcp.Tools;

/// <summary>Saving sandboxes as snapshots, restoring them, and cloning sandboxes.</summary>
[McpServerToolType]
public sealed class SnapshotTools(SandboxManager manager)
{
    /// <summary>Takes a snapshot.</summary>
    [McpServerTool(Name = "snapshot", Title = "Snapshot a sandbox", Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Save a sandbox's files, installed packages and workspace as a named snapshot (vm tier), to restore later into this or another sandbox. A snapshot of the same name is replaced. Running processes are not saved. Reports progress.")]
    public async Task<CallToolResult> SnapshotAsync(
        [Description("Snapshot name: a-z, 0-9, '_', '.', '-', e.g. \"before-upgrade\".")] string name,
        [Description("Sandbox to save (default \"default\").")] string sandbox = "default",
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var info = await manager.SnapshotAsync(sandbox, name, ToolProgress.From(progress), cancellationToken);
        return ToolResults.Structured($"Saved {sandbox} as snapshot {info.Name} ({info.Image} on {info.Engine}).", info);
    }

    /// <summary>Restores a snapshot.</summary>
    [McpServerTool(Name = "restore", Title = "Restore a snapshot", Destructive = true, Idempotent = true, OpenWorld = false)]
    [Description("Replace a sandbox with one started from a snapshot: files and workspace as they were saved; package caches kept; processes and variables set with env start fresh (exported shell variables saved in the snapshot come back). A sandbox that does not exist yet is created from the snapshot.")]
    public async Task<CallToolResult> RestoreAsync(
        [Description("Snapshot name, as list_snapshots shows it.")] string name,
        [Description("Sandbox to restore into (default \"default\").")] string sandbox = "default",
        CancellationToken cancellationToken = default)
    {
        var restored = await manager.RestoreAsync(sandbox, name, cancellationToken);
        return ToolResults.Structured($"Restored {sandbox} from snapshot {name} ({restored.Spec.Image}).", new { sandbox, snapshot = name, image = restored.Spec.Image });
    }

    /// <summary>Lists snapshots.</summary>
    [McpServerTool(Name = "list_snapshots", Title = "List snapshots", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("List the snapshots taken with snapshot: name, image, size and time.")]
    public async Task<CallToolResult> ListSnapshotsAsync(CancellationToken cancellationToken = default)
    {
        var snapshots = await manager.ListSnapshotsAsync(cancellationToken);
        var text = new StringBuilder(snapshots.Count == 0 ? "No snapshots yet: take one with snapshot." : "");
        foreach (var s in snapshots)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Name}\t{s.Image}\t{ImageTools.Size(s.SizeBytes)}\t{s.CreatedAt:u}\n");
        }

        return ToolResults.Structured(text.ToString(), new { snapshots });
    }

    /// <summary>Deletes a snapshot.</summary>
    [McpServerTool(Name = "delete_snapshot", Title = "Delete a snapshot", Destructive = true, Idempotent = false, OpenWorld = false)]
    [Description("Delete a snapshot. A snapshot that a sandbox was restored from stays until that sandbox is destroyed.")]
    public async Task<CallToolResult> DeleteSnapshotAsync(
        [Description("Snapshot name, as list_snapshots shows it.")] string name,
        CancellationToken cancellationToken = default)
    {
        await manager.DeleteSnapshotAsync(name, cancellationToken);
        return ToolResults.Structured($"Deleted snapshot {name}.", new { snapshot = name, deleted = true });
    }

    /// <summary>Clones a sandbox.</summary>
    [McpServerTool(Name = "clone", Title = "Clone a sandbox", Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Create a new sandbox as a copy of another (vm tier): same settings, files, installed packages, workspace and env variables. The source keeps running. Reports progress.")]
    public async Task<CallToolResult> CloneAsync(
        [Description("Sandbox to copy, e.g. \"default\".")] string source,
        [Description("Name of the new sandbox, e.g. \"experiment\"; must not exist yet.")] string target,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var clone = await manager.CloneAsync(source, target, ToolProgress.From(progress), cancellationToken);
        return ToolResults.Structured($"Cloned {source} to {target} ({clone.Runtime.Name}).", new { source, target, image = clone.Spec.Image });
    }
}
