using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Background;
using SandboxMcp.Common;
using SandboxMcp.Manager;

namespace SandboxMcp.Tools;

/// <summary>Background processes: servers, watchers and long jobs that outlive one call.</summary>
[McpServerToolType]
public sealed class BackgroundTools(SandboxManager manager)
{
    private const int MaxTail = 10_000;

    /// <summary>Starts a background process.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707", Justification = "MCP argument names are the parameter names; the contract is snake_case (max_memory_mb).")]
    [McpServerTool(Name = "bg", Title = "Start a background process", Destructive = true, OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(BackgroundInfo))]
    [Description("Start a command that keeps running after the call (a dev server, a watcher, a database), in the shell's current directory with its exported variables, in a process group of its own. Returns its id (bg-xxxxxx) and pid inside the sandbox at once; read its output with logs, end it with kill, see it in status. It never holds up exec. Optional supervision: a restart policy with exponential backoff, a memory limit for its whole process group, and a health check.")]
    public async Task<CallToolResult> BgAsync(
        [Description("Shell command line, e.g. \"python3 -m http.server 8000\".")] string command,
        [Description("Sandbox name (default \"default\"); created on first use.")] string sandbox = "default",
        [Description("Directory to start it in (absolute, or relative to the shell's current directory); default: the shell's current directory.")] string? workdir = null,
        [Description("Restart policy: \"no\" (default), \"on-failure\" (non-zero exit, memory kill or failed health check), \"always\" or \"unless-stopped\" (any end except kill). Restarts wait 1 s, doubling to 30 s; a run of 10 s or more resets the wait.")] string? restart = null,
        [Description("Memory limit in MiB for the RSS of its whole process group, checked every second inside the sandbox; over it, the group is killed (said in its logs) and restarted per policy. E.g. 512.")] int? max_memory_mb = null,
        [Description("Health check, run inside the sandbox: {\"type\": \"http\", \"url\": \"http://127.0.0.1:8000/\"} or {\"type\": \"tcp\", \"port\": 5432} or {\"type\": \"command\", \"command\": \"pg_isready\"}, with optional \"interval_s\" (default 10), \"timeout_s\" (5), \"retries\" (3 consecutive failures make it unhealthy; it is then killed and restarted unless restart is \"no\") and \"start_period_s\" (0: failures before then do not count).")] JsonElement? health = null,
        CancellationToken cancellationToken = default)
    {
        InputValidation.ShellText(command, nameof(command));
        if (workdir is not null)
        {
            InputValidation.SandboxPath(workdir, nameof(workdir));
        }

        if (max_memory_mb is < 1 or > 1024 * 1024)
        {
            throw new SandboxException($"Invalid max_memory_mb {max_memory_mb}: give MiB from 1 to 1048576 (e.g. 512), or leave it out for no limit.");
        }

        var request = new BackgroundRequest(command, workdir, RestartPolicies.Parse(restart), max_memory_mb, HealthCheckParser.Parse(health));
        var info = await manager.StartBackgroundAsync(sandbox, request, cancellationToken);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Started {info.Id} (pid {info.Pid}) in {info.WorkDir}: {info.Command}\n");
        text.Append(CultureInfo.InvariantCulture, $"restart: {info.Restart}");
        text.Append(info.MaxMemoryMb is { } limit ? string.Create(CultureInfo.InvariantCulture, $"; max memory {limit} MiB") : "");
        text.Append(info.HealthCheck is { } check ? $"; health check {check}" : "");
        text.Append(CultureInfo.InvariantCulture, $"\nRead its output with logs(id: \"{info.Id}\"), stop it with kill(id: \"{info.Id}\").");
        return ToolResults.Structured(text.ToString(), info);
    }

    /// <summary>Shows a background process's recent output.</summary>
    [McpServerTool(Name = "logs", Title = "Background process output", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(LogsResult))]
    [Description("Show the recent output of a background process started with bg: stdout and stderr interleaved in the order they arrived, plus lines from the supervisor ([sandbox-mcp] restarts, memory kills, health). The last 1 MiB per process is kept; the result says how many older bytes were dropped, and its state, pid and restart count.")]
    public async Task<CallToolResult> LogsAsync(
        [Description("Process id from bg, e.g. \"bg-3f9a1c\".")] string id,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        [Description("Number of last lines to show (default 200, max 10000).")] int tail = 200,
        [Description("\"stdout\", \"stderr\" or \"both\" (default).")] string? stream = null,
        CancellationToken cancellationToken = default)
    {
        if (tail is < 1 or > MaxTail)
        {
            throw new SandboxException($"Invalid tail {tail}: give 1 to {MaxTail} lines (default 200).");
        }

        var which = LogSources.Parse(stream);
        var logs = await manager.BackgroundLogsAsync(sandbox, id, which, tail, cancellationToken);
        var text = new StringBuilder();
        if (logs.OmittedLines > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{logs.OmittedLines} earlier lines not shown: raise tail]\n");
        }

        text.Append(logs.Output);
        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"[{logs.Id} {logs.State} · pid {logs.Pid} · restarts {logs.Restarts} · {logs.Stream}");
        var dropped = logs.DroppedStdoutBytes + logs.DroppedStderrBytes;
        text.Append(dropped > 0 ? string.Create(CultureInfo.InvariantCulture, $" · {dropped:N0} older bytes dropped (stdout {logs.DroppedStdoutBytes:N0}, stderr {logs.DroppedStderrBytes:N0})]") : "]");
        return ToolResults.Structured(text.ToString(), logs);
    }

    /// <summary>Stops a background process.</summary>
    [McpServerTool(Name = "kill", Title = "Stop a background process", Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(BackgroundInfo))]
    [Description("Stop a background process started with bg, with everything it started: the signal goes to its whole process group and descendants inside the sandbox, and whatever is left after 3 s gets KILL. It is not restarted, whatever its policy; its logs stay readable.")]
    public async Task<CallToolResult> KillAsync(
        [Description("Process id from bg, e.g. \"bg-3f9a1c\".")] string id,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        [Description("Signal name: TERM (default), INT, HUP, QUIT, KILL, USR1 or USR2.")] string? signal = null,
        CancellationToken cancellationToken = default)
    {
        var name = StopSignals.Parse(signal);
        var (info, alreadyEnded) = await manager.KillBackgroundAsync(sandbox, id, name, cancellationToken);
        var text = alreadyEnded
            ? $"{info.Id} had already ended ({info.LastExit ?? info.State}); nothing to stop. Its logs stay readable."
            : $"{info.Id} (pid {info.Pid}) {info.State}: sent {name} to its process group (KILL after 3 s for what was left); restarts {info.Restarts}.";
        return ToolResults.Structured(text, info);
    }
}
