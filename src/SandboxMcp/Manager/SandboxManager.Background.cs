using SandboxMcp.Background;
using SandboxMcp.Common;

namespace SandboxMcp.Manager;

public sealed partial class SandboxManager
{
    /// <summary>Starts a background process in a sandbox (created on first use) and returns it once its pid is known.</summary>
    public Task<BackgroundInfo> StartBackgroundAsync(string name, BackgroundRequest request, CancellationToken cancellationToken) =>
        UseAsync(name, async sandbox =>
        {
            var since = time.GetUtcNow();
            var workDir = ResolveWorkDir(sandbox.WorkingDirectory, request.WorkDir);
            try
            {
                var process = await sandbox.Background.StartAsync(request, workDir, cancellationToken);
                sandbox.Audit("bg", $"{process.Id}: {request.Command}", since, null, null);
                return process.Describe();
            }
            catch (SandboxException ex)
            {
                sandbox.Audit("bg", request.Command, since, null, ex.Message);
                throw;
            }
        }, cancellationToken);

    /// <summary>The recent output of a background process.</summary>
    public Task<LogsResult> BackgroundLogsAsync(string name, string id, LogSource? stream, int tail, CancellationToken cancellationToken) =>
        UseExistingAsync(name, sandbox =>
        {
            var process = sandbox.Background.Get(id);
            var view = process.Logs.Read(stream, tail, options.MaxOutputBytes);
            var info = process.Describe();
            return Task.FromResult(new LogsResult(
                id,
                info.State,
                info.Pid,
                info.Restarts,
                stream?.ToString().ToLowerInvariant() ?? "both",
                view.Text,
                view.Lines,
                view.OmittedLines,
                view.DroppedStdoutBytes,
                view.DroppedStderrBytes));
        }, cancellationToken);

    /// <summary>
    /// Stops a background process for good: its whole process group inside the sandbox. Returns whether it had
    /// already ended (then nothing was signalled).
    /// </summary>
    public Task<(BackgroundInfo Info, bool AlreadyEnded)> KillBackgroundAsync(string name, string id, string signal, CancellationToken cancellationToken) =>
        UseExistingAsync(name, async sandbox =>
        {
            var process = sandbox.Background.Get(id);
            var alreadyEnded = process.HasEnded;
            var since = time.GetUtcNow();
            await process.StopAsync(signal, new BackgroundOptions().StopGrace, cancellationToken);
            sandbox.Audit("kill", $"{id} ({signal})", since, null, null);
            return (process.Describe(), alreadyEnded);
        }, cancellationToken);

    /// <summary>A directory for a background process: the shell's, or <paramref name="workDir"/> relative to it.</summary>
    internal static string ResolveWorkDir(string current, string? workDir) =>
        workDir is null ? current
        : workDir.StartsWith('/') ? workDir
        : current.TrimEnd('/') + "/" + workDir;
}
