using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Common;
using SandboxMcp.Manager;

namespace SandboxMcp.Tools;

/// <summary>Snapshots of sandboxes, and container images.</summary>
[McpServerToolType]
public sealed partial class ImageTools(SandboxManager manager, HostPaths hostPaths, TimeProvider time)
{
    /// <summary>Takes a snapshot.</summary>
    [McpServerTool(Name = "snapshot", Title = "Snapshot a sandbox", Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Save a sandbox's files (its /workspace included) as a named snapshot, to restore later or into another sandbox of the same tier. Environment variables set with env are not part of it.")]
    public async Task<CallToolResult> SnapshotAsync(
        [Description("Snapshot name: a-z, 0-9, '_', '.', '-', e.g. \"before-upgrade\".")] string name,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var record = await manager.SnapshotAsync(sandbox, name, Reporter(progress), cancellationToken);
        return ToolResults.Structured($"Snapshot {record.Name} of {record.Source} saved ({record.Artifact.Reference})", record);
    }

    /// <summary>Restores a snapshot.</summary>
    [McpServerTool(Name = "restore", Title = "Restore a snapshot", Destructive = true, Idempotent = false, OpenWorld = false)]
    [Description("Replace a sandbox's files with a snapshot's (the sandbox is recreated from it, keeping its settings and package caches). Processes running in the sandbox are stopped.")]
    public async Task<CallToolResult> RestoreAsync(
        [Description("Snapshot name (see list_snapshots).")] string name,
        [Description("Sandbox to restore into (default \"default\"); created if it does not exist.")] string sandbox = "default",
        CancellationToken cancellationToken = default)
    {
        await manager.RestoreAsync(sandbox, name, cancellationToken);
        return ToolResults.Structured($"Restored {name} into {sandbox}", new { sandbox, snapshot = name });
    }

    /// <summary>Lists snapshots.</summary>
    [McpServerTool(Name = "list_snapshots", Title = "List snapshots", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("List saved snapshots: name, source sandbox, tier, when taken.")]
    public async Task<CallToolResult> ListSnapshotsAsync(CancellationToken cancellationToken = default)
    {
        var snapshots = await manager.ListSnapshotsAsync(cancellationToken);
        var text = new StringBuilder(snapshots.Count == 0 ? "No snapshots." : "");
        foreach (var s in snapshots)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Name}\tfrom {s.Source}\t{s.Tier.ToString().ToLowerInvariant()} ({s.Artifact.Runtime})\t{s.CreatedAt:u}\n");
        }

        return ToolResults.Structured(text.ToString(), new { snapshots });
    }

    /// <summary>Deletes a snapshot.</summary>
    [McpServerTool(Name = "delete_snapshot", Title = "Delete a snapshot", Destructive = true, Idempotent = false, OpenWorld = false)]
    [Description("Delete a snapshot and its image or archive.")]
    public async Task<CallToolResult> DeleteSnapshotAsync(
        [Description("Snapshot name.")] string name,
        CancellationToken cancellationToken = default)
    {
        await manager.DeleteSnapshotAsync(name, cancellationToken);
        return ToolResults.Structured($"Deleted snapshot {name}", new { snapshot = name, deleted = true });
    }

    /// <summary>Builds an image.</summary>
    [McpServerTool(Name = "build_image", Title = "Build an image", Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description("Build a container image for vm sandboxes from Containerfile text, with progress. FROM must name an image that exists locally (e.g. localhost/sandbox-mcp-base:bookworm): no registry is assumed. Use the tag as create's image.")]
    public async Task<CallToolResult> BuildImageAsync(
        [Description("The Containerfile (Dockerfile) text.")] string containerfile,
        [Description("Image tag, e.g. \"localhost/my-tools:1\"; a tag without a registry gets localhost/.")] string tag,
        [Description("Host directory used as the build context (under the configured host roots); default an empty one.")] string? context = null,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(containerfile))
        {
            throw new SandboxException("'containerfile' is empty: give the Containerfile text, starting with FROM.");
        }

        var fullTag = NormalizeTag(tag);
        var directory = Directory.CreateTempSubdirectory("sandbox-mcp-build-");
        try
        {
            var contextDirectory = context is null ? directory.FullName : hostPaths.Resolve(context, "context");
            if (!Directory.Exists(contextDirectory))
            {
                throw new SandboxException($"The build context {context} is not a directory.");
            }

            var file = Path.Combine(directory.FullName, "Containerfile");
            await File.WriteAllTextAsync(file, containerfile, cancellationToken);
            var started = time.GetTimestamp();
            await manager.BuildImageAsync(file, fullTag, contextDirectory, Reporter(progress), cancellationToken);
            return ToolResults.Structured($"Built {fullTag} in {time.GetElapsedTime(started).TotalSeconds:0.0} s", new { tag = fullTag });
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Lists images.</summary>
    [McpServerTool(Name = "images", Title = "List images", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("List the container images vm sandboxes can use on this machine.")]
    public async Task<CallToolResult> ImagesAsync(CancellationToken cancellationToken = default)
    {
        var (engine, images) = await manager.ListImagesAsync(cancellationToken);
        var text = new StringBuilder($"{engine}:\n");
        foreach (var image in images)
        {
            text.Append(CultureInfo.InvariantCulture, $"{image.Name}\t{image.Id}\t{(image.SizeBytes is { } size ? ByteSize.Format(size) : "")}\t{image.CreatedAt:u}\n");
        }

        return ToolResults.Structured(text.ToString(), new { engine, images });
    }

    /// <summary>A tag with a registry part: <c>x:1</c> becomes <c>localhost/x:1</c>, the same on every engine.</summary>
    internal static string NormalizeTag(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag) || !TagRegex().IsMatch(tag))
        {
            throw new SandboxException($"Invalid tag '{InputValidation.Printable(tag)}': use lower-case names like localhost/my-tools:1.");
        }

        var name = tag.Contains('/', StringComparison.Ordinal) ? tag : "localhost/" + tag;
        return name.Contains(':', StringComparison.Ordinal) && name.LastIndexOf(':') > name.LastIndexOf('/') ? name : name + ":latest";
    }

    private ToolProgress? Reporter(IProgress<ProgressNotificationValue>? progress) => progress is null ? null : new ToolProgress(progress, time);

    [GeneratedRegex(@"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$")]
    private static partial Regex TagRegex();
}
