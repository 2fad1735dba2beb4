using System.ComponentModel;
using System.Globalization;
using System.Text;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Common;
using SandboxMcp.Manager;
using SandboxMcp.Transfer;
using SandboxMcp.Transfer.Git;
using SandboxMcp.Transfer.Sync;

namespace SandboxMcp.Tools;

/// <summary>Files between the host and a sandbox: upload and download as tar streams.</summary>
[McpServerToolType]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707", Justification = "MCP argument names are the parameter names: the public contract says host_path.")]
public sealed class TransferTools(SandboxManager manager, HostPaths hostPaths)
{
    /// <summary>Uploads a host file or directory.</summary>
    [McpServerTool(Name = "upload", Title = "Upload from the host", Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(TransferResult))]
    [Description("Copy a file or directory from the host into a sandbox (a tar stream: modes and symbolic links kept, binary files byte-identical, any size, with progress). A directory's contents go into path (created when missing, existing files replaced); a file goes to path, or into it when path is a directory or ends with '/'. host_path must lie under the server's host roots.")]
    public async Task<CallToolResult> UploadAsync(
        [Description("Host file or directory, absolute, ~/…, or relative to the first host root, e.g. \"~/src/app\".")] string host_path,
        [Description("Destination inside the sandbox, absolute or relative to the shell's current directory, e.g. \"app\" or \"/workspace/data/\".")] string path,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var real = hostPaths.Resolve(host_path);
        if (HostFiles.Kind(real) == HostFileKind.Missing)
        {
            throw new SandboxException($"host_path {host_path} does not exist ({real}): give an existing file or directory.");
        }

        InputValidation.SandboxPath(path);
        var result = await manager.UploadAsync(sandbox, real, path, ToolProgress.From(progress), cancellationToken);
        return ToolResults.Structured(Format("Uploaded", result, $"{result.HostPath} -> {result.Path}"), result);
    }

    /// <summary>Downloads a sandbox file or directory to the host.</summary>
    [McpServerTool(Name = "download", Title = "Download to the host", Destructive = false, Idempotent = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(TransferResult))]
    [Description("Copy a file or directory from a sandbox to the host (a tar stream: modes and symbolic links kept, binary files byte-identical, with progress). A directory's contents go into host_path (created when missing); a file goes to host_path, or into it when it is an existing directory. Never replaces an existing host file unless overwrite is true; entries that would land outside host_path ('..', absolute names, through symbolic links) are refused and nothing is written.")]
    public async Task<CallToolResult> DownloadAsync(
        [Description("File or directory inside the sandbox, absolute or relative to the shell's current directory, e.g. \"dist\".")] string path,
        [Description("Host destination under the server's host roots, absolute, ~/…, or relative to the first host root, e.g. \"~/src/app/dist\".")] string host_path,
        [Description("Replace host files that already exist (default false: refuse and change nothing).")] bool overwrite = false,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        InputValidation.SandboxPath(path);
        var real = hostPaths.Resolve(host_path);
        var result = await manager.DownloadAsync(sandbox, path, real, overwrite, ToolProgress.From(progress), cancellationToken);
        return ToolResults.Structured(Format("Downloaded", result, $"{result.Path} -> {result.HostPath}"), result);
    }

    /// <summary>Clones a git repository inside the sandbox.</summary>
    [McpServerTool(Name = "git_clone", Title = "Clone a git repository", Destructive = false, Idempotent = false, OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(GitCloneResult))]
    [Description("Clone a git repository inside a sandbox (git runs there, with progress). URLs: https://, http://, git://, ssh://, git@host:path, or file:///path inside the sandbox. A token for a private https repository is given to that one git process only (an HTTP header in its environment): never written to git config, history, logs or results.")]
    public async Task<CallToolResult> GitCloneAsync(
        [Description("Repository URL, e.g. \"https://github.com/owner/repo.git\".")] string url,
        [Description("Directory to clone into, absolute or relative to the shell's current directory (default: the repository name, as git picks it).")] string? path = null,
        [Description("Branch or tag to check out (default: the remote's default branch).")] string? branch = null,
        [Description("Access token for a private https repository (sent as HTTP Basic x-access-token, as GitHub, GitLab and Gitea accept).")] string? token = null,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        [Description("Seconds before the clone is stopped (default 600).")] double? timeout = null,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        GitUrl.Validate(url);
        if (path is not null)
        {
            InputValidation.SandboxPath(path);
        }

        if (branch is not null && (branch.Length == 0 || branch.StartsWith('-') || branch.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
        {
            throw new SandboxException($"Invalid branch '{InputValidation.Printable(branch)}': give a branch or tag name such as \"main\" or \"v1.2.0\" (no spaces, not starting with '-').");
        }

        var maxTimeout = manager.Options.MaxTimeoutSeconds;
        var limit = InputValidation.Timeout(timeout, Math.Min(600, maxTimeout), maxTimeout);
        var result = await manager.GitCloneAsync(sandbox, url, path, branch, string.IsNullOrEmpty(token) ? null : token, limit, ToolProgress.From(progress), cancellationToken);
        var text = $"Cloned {result.Url} into {result.Path}" + (result.Branch is null ? " (empty repository)" : $" ({result.Branch} at {result.Commit})") + $" in {result.DurationMs} ms";
        return ToolResults.Structured(text, result);
    }

    /// <summary>Starts mirroring a host directory into a sandbox.</summary>
    [McpServerTool(Name = "sync_start", Title = "Mirror a host directory", Destructive = true, Idempotent = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(SyncInfo))]
    [Description("Mirror a host directory into a sandbox live: an initial copy, then every save, deletion and rename on the host is pushed within about a second (batched through tar). .git/ and the patterns of the directory's .gitignore are left out. Returns an id for sync_stop; status lists running syncs. A sync ends with its sandbox (destroy, reset) or the server.")]
    public async Task<CallToolResult> SyncStartAsync(
        [Description("Host directory under the server's host roots, absolute, ~/…, or relative to the first host root, e.g. \"~/src/app\".")] string host_path,
        [Description("Directory inside the sandbox, absolute or relative to the shell's current directory (created when missing), e.g. \"app\".")] string path,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var real = hostPaths.ResolveDirectory(host_path, "host_path");
        InputValidation.SandboxPath(path);
        var (sync, initial) = await manager.SyncStartAsync(sandbox, real, path, ToolProgress.From(progress), cancellationToken);
        var text = string.Create(CultureInfo.InvariantCulture, $"Syncing {sync.HostPath} -> {sync.Path} as {sync.Id}: initial copy of {initial.Files} files ({SandboxFiles.Bytes(initial.Bytes)}); changes follow within about a second. Stop it with sync_stop.");
        return ToolResults.Structured(text, sync);
    }

    /// <summary>Stops a sync.</summary>
    [McpServerTool(Name = "sync_stop", Title = "Stop mirroring", Destructive = false, Idempotent = false, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(SyncInfo))]
    [Description("Stop a sync started with sync_start. Files already copied stay in the sandbox.")]
    public async Task<CallToolResult> SyncStopAsync(
        [Description("The sync id returned by sync_start, e.g. \"sync-3fa2c1\".")] string id,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        CancellationToken cancellationToken = default)
    {
        var stopped = await manager.SyncStopAsync(sandbox, id, cancellationToken);
        return ToolResults.Structured(string.Create(CultureInfo.InvariantCulture, $"Stopped {stopped.Id} ({stopped.HostPath} -> {stopped.Path}, {stopped.FilesSynced} files synced)"), stopped);
    }

    private static string Format(string verb, TransferResult result, string route)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{verb} {result.Kind} {route}: ");
        text.Append(CultureInfo.InvariantCulture, $"{result.Files} files, {result.Directories} directories, {result.Links} symbolic links, {SandboxFiles.Bytes(result.Bytes)} in {result.DurationMs} ms");
        if (result.Note is { } note)
        {
            text.Append("\n[note: ").Append(note).Append(']');
        }

        return text.ToString();
    }
}
