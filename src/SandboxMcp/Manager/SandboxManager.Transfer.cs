using System.Globalization;
using SandboxMcp.Common;
using SandboxMcp.Transfer;
using SandboxMcp.Transfer.Git;
using SandboxMcp.Transfer.Sync;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    /// <summary>Uploads a host file or directory (already resolved under the host roots) to <paramref name="path"/>.</summary>
    public Task<TransferResult> UploadAsync(string name, string hostPath, string path, IProgress<string>? progress, CancellationToken cancellationToken) =>
        UseAsync(name, sandbox => AuditedAsync(
            sandbox,
            "upload",
            $"{hostPath} -> {path}",
            async () =>
            {
                var result = await SandboxTar.UploadAsync(sandbox.Launcher, hostPath, SandboxPaths.Absolute(path, sandbox.WorkingDirectory), progress, cancellationToken);
                return (result, $"{hostPath} -> {result.Path} ({Describe(result)})");
            },
            cancellationToken), cancellationToken);

    /// <summary>Downloads <paramref name="path"/> from the sandbox to a host path already resolved under the host roots.</summary>
    public Task<TransferResult> DownloadAsync(string name, string path, string hostPath, bool overwrite, IProgress<string>? progress, CancellationToken cancellationToken) =>
        UseAsync(name, sandbox => AuditedAsync(
            sandbox,
            "download",
            $"{path} -> {hostPath}",
            async () =>
            {
                var result = await SandboxTar.DownloadAsync(sandbox.Launcher, SandboxPaths.Absolute(path, sandbox.WorkingDirectory), hostPath, overwrite, progress, cancellationToken);
                return (result, $"{result.Path} -> {result.HostPath} ({Describe(result)})");
            },
            cancellationToken), cancellationToken);

    /// <summary>Writes several files through one tar stream; paths are absolute or relative to the shell's directory.</summary>
    public Task<IReadOnlyList<(string Path, int Bytes)>> BatchWriteAsync(string name, IReadOnlyList<(string Path, byte[] Content)> files, CancellationToken cancellationToken) =>
        UseAsync(name, sandbox => AuditedAsync(
            sandbox,
            "batch_write",
            $"{files.Count} files",
            async () =>
            {
                var absolute = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (var (path, content) in files)
                {
                    if (path.EndsWith('/'))
                    {
                        throw new SandboxException($"{path} is a directory path: name a file.");
                    }

                    absolute[SandboxPaths.Absolute(path, sandbox.WorkingDirectory, "files")] = content;
                }

                await SandboxTar.WriteFilesAsync(sandbox.Launcher, [.. absolute.Select(f => (f.Key, f.Value))], cancellationToken);
                IReadOnlyList<(string, int)> written = [.. absolute.Select(f => (f.Key, f.Value.Length))];
                return (written, $"{absolute.Count} files ({SandboxFiles.Bytes(absolute.Sum(f => (long)f.Value.Length))}): {string.Join(", ", absolute.Keys.Take(5))}{(absolute.Count > 5 ? ", …" : "")}");
            },
            cancellationToken), cancellationToken);

    /// <summary>
    /// Clones a repository inside the sandbox into <paramref name="path"/> (default: the name git would pick). The
    /// token reaches only the git process; the audit records the URL without user information.
    /// </summary>
    public Task<GitCloneResult> GitCloneAsync(string name, string url, string? path, string? branch, string? token, TimeSpan timeout, IProgress<string>? progress, CancellationToken cancellationToken) =>
        UseAsync(name, sandbox =>
        {
            var target = SandboxPaths.Absolute(path ?? GitUrl.DefaultDirectory(url), sandbox.WorkingDirectory);
            var shown = new SecretScrubber(GitCredentials.Secrets(token, url)).Scrub(GitUrl.Redact(url));
            return AuditedAsync(
                sandbox,
                "git_clone",
                $"{shown} -> {target}",
                async () =>
                {
                    var result = await GitClone.RunAsync(sandbox.Launcher, url, target, branch, token, timeout, progress, cancellationToken);
                    return (result, $"{shown} -> {target} ({result.Branch ?? "no branch"} {result.Commit?[..Math.Min(12, result.Commit.Length)]})");
                },
                cancellationToken);
        }, cancellationToken);

    /// <summary>Starts mirroring a host directory (resolved under the host roots) into <paramref name="path"/>; returns after the initial copy.</summary>
    public Task<(SyncInfo Sync, TransferCounts Initial)> SyncStartAsync(string name, string hostPath, string path, IProgress<string>? progress, CancellationToken cancellationToken) =>
        UseAsync(name, sandbox => AuditedAsync(
            sandbox,
            "sync_start",
            $"{hostPath} -> {path}",
            async () =>
            {
                var target = SandboxPaths.Absolute(path, sandbox.WorkingDirectory);
                var (session, initial) = await sandbox.Syncs.StartAsync(hostPath, target, sandbox.Launcher, () => Touch(name), time, progress, cancellationToken);
                return ((session.Info, initial), $"{session.Id}: {hostPath} -> {target} ({initial.Files} files)");
            },
            cancellationToken), cancellationToken);

    /// <summary>Stops a sync of this server, looked up in <paramref name="name"/> first, then in every sandbox it holds.</summary>
    public async Task<SyncInfo> SyncStopAsync(string name, string id, CancellationToken cancellationToken)
    {
        InputValidation.SandboxName(name);
        var owners = _sandboxes.TryGetValue(name, out var named) ? [named, .. _sandboxes.Values.Where(s => s != named)] : _sandboxes.Values.ToList();
        foreach (var sandbox in owners)
        {
            if (await sandbox.Syncs.StopAsync(id) is { } stopped)
            {
                sandbox.Audit("sync_stop", $"{id}: {stopped.HostPath} -> {stopped.Path} ({stopped.FilesSynced} files synced)", time.GetUtcNow(), 0, null);
                return stopped;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new SandboxException($"There is no running sync '{InputValidation.Printable(id)}' in this server: status lists the running syncs of a sandbox.");
    }

    /// <summary>Runs a transfer, records it in the audit history, and turns a vanished sandbox into a recreate.</summary>
    private async Task<T> AuditedAsync<T>(Sandbox sandbox, string tool, string summary, Func<Task<(T Result, string Summary)>> operation, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow();
        try
        {
            var (result, done) = await operation();
            sandbox.Audit(tool, done, since, 0, null);
            return result;
        }
        catch (SandboxException ex)
        {
            await sandbox.ThrowIfGoneAsync(ex, cancellationToken);
            sandbox.Audit(tool, summary, since, null, ex.Message);
            throw;
        }
    }

    private static string Describe(TransferResult result) =>
        string.Create(CultureInfo.InvariantCulture, $"{result.Files} files, {result.Directories} dirs, {result.Links} links, {SandboxFiles.Bytes(result.Bytes)}");
}
