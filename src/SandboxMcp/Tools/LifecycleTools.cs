using System.ComponentModel;
using System.Globalization;
using System.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Common;
using SandboxMcp.Manager;
using SandboxMcp.Runtimes;
using SandboxMcp.State;

namespace SandboxMcp.Tools;

/// <summary>Creating, inspecting, resetting and destroying sandboxes.</summary>
[McpServerToolType]
public sealed class LifecycleTools(SandboxManager manager)
{
    /// <summary>Creates a sandbox.</summary>
    [McpServerTool(Name = "create", Title = "Create a sandbox", Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(SandboxStatus))]
    [Description("Create a sandbox with explicit settings (other tools create one from its profile on first use). Tiers: \"vm\" (container or micro-VM), \"seatbelt\" (OS sandbox: Seatbelt on macOS, bubblewrap on Linux), \"native\" (host process, no isolation). Calling it again with the same settings is fine; different settings need destroy first.")]
    public async Task<CallToolResult> CreateAsync(
        [Description("Sandbox name: a-z, 0-9, '_', '.', '-' (default \"default\").")] string sandbox = "default",
        [Description("\"vm\", \"seatbelt\", \"native\" or \"auto\" (default: the profile's, else the strongest available).")] string? tier = null,
        [Description("Container image for tier vm, e.g. \"localhost/sandbox-mcp-base:bookworm\".")] string? image = null,
        [Description("CPUs, e.g. 2 or 0.5.")] double? cpus = null,
        [Description("Memory limit, e.g. \"512m\" or \"2g\".")] string? memory = null,
        [Description("\"default\", \"none\" (no network but loopback), or \"allowlist\" (seatbelt tier, or vm on podman/docker: only the profile's allowedHosts, through a filtering proxy).")] string? network = null,
        CancellationToken cancellationToken = default)
    {
        var (_, created) = await manager.CreateAsync(sandbox, new SandboxRequest(tier, image, cpus, memory, network), cancellationToken);
        var status = await manager.StatusAsync(sandbox, cancellationToken);
        return ToolResults.Structured((created ? "Created" : "Already exists:") + " " + FormatStatus(status), status);
    }

    /// <summary>Reports a sandbox's status.</summary>
    [McpServerTool(Name = "status", Title = "Sandbox status", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(SandboxStatus))]
    [Description("Show a sandbox's tier, engine, the isolation and limits really in force, network, working directory, shell, idle expiry and which runtimes this machine has. Does not create the sandbox.")]
    public async Task<CallToolResult> StatusAsync(
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        CancellationToken cancellationToken = default)
    {
        var status = await manager.StatusAsync(sandbox, cancellationToken);
        return ToolResults.Structured(FormatStatus(status), status);
    }

    /// <summary>Lists sandboxes.</summary>
    [McpServerTool(Name = "list_all", Title = "List sandboxes", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("List every sandbox (from all clients sharing this machine's state): name, tier, runtime, last use and idle expiry.")]
    public async Task<CallToolResult> ListAllAsync(CancellationToken cancellationToken = default)
    {
        var sandboxes = await manager.ListAsync(cancellationToken);
        var text = new StringBuilder();
        if (sandboxes.Count == 0)
        {
            text.Append("No sandboxes yet: any tool creates one on first use (e.g. exec with sandbox \"default\").");
        }

        foreach (var s in sandboxes)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Name}\t{s.Tier} ({s.Runtime})\tlast used {s.LastUsedAt:u}");
            text.Append(s.Parent is { } parent ? $"\tchild of {parent}" : "");
            if (s.ExpiresAt is { } expires)
            {
                text.Append(CultureInfo.InvariantCulture, $"\texpires {expires:u}");
            }

            text.Append(s.Busy ? "\tbusy" : "").Append('\n');
        }

        return ToolResults.Structured(text.ToString(), new { sandboxes });
    }

    /// <summary>Destroys a sandbox.</summary>
    [McpServerTool(Name = "destroy", Title = "Destroy a sandbox", Destructive = true, Idempotent = false, OpenWorld = false)]
    [Description("Destroy a sandbox: stop every process in it and delete its files, environment and history. Cannot be undone.")]
    public async Task<CallToolResult> DestroyAsync(
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        CancellationToken cancellationToken = default)
    {
        await manager.DestroyAsync(sandbox, cancellationToken);
        return ToolResults.Structured($"Destroyed {sandbox}", new { sandbox, destroyed = true });
    }

    /// <summary>Resets a sandbox.</summary>
    [McpServerTool(Name = "reset", Title = "Reset a sandbox", Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(SandboxStatus))]
    [Description("Reset a sandbox to a fresh state with the same settings: processes stopped, files and environment variables dropped, a new shell. Package caches survive where the tier keeps them.")]
    public async Task<CallToolResult> ResetAsync(
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        CancellationToken cancellationToken = default)
    {
        await manager.ResetAsync(sandbox, cancellationToken);
        var status = await manager.StatusAsync(sandbox, cancellationToken);
        return ToolResults.Structured("Reset " + FormatStatus(status), status);
    }

    /// <summary>Shows the audit history.</summary>
    [McpServerTool(Name = "history", Title = "Audit history", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Show what was done in a sandbox, oldest first: tool, command or file, exit code, duration, errors.")]
    public async Task<CallToolResult> HistoryAsync(
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        [Description("Most entries to show (default 20, max 1000).")] int limit = 20,
        CancellationToken cancellationToken = default)
    {
        if (limit is < 1 or > 1000)
        {
            throw new SandboxException($"Invalid limit {limit}: give 1 to 1000.");
        }

        var entries = await manager.HistoryAsync(sandbox, limit, cancellationToken);
        var text = new StringBuilder(entries.Count == 0 ? $"No history for {sandbox}." : "");
        foreach (var e in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"{e.At:u}\t{e.Tool}\t{e.Summary}");
            text.Append(e.ExitCode is { } code ? $"\texit {code}" : "").Append(CultureInfo.InvariantCulture, $"\t{e.DurationMs} ms");
            text.Append(e.Error is { } error ? $"\terror: {error}" : "").Append('\n');
        }

        return ToolResults.Structured(text.ToString(), new { sandbox, entries });
    }

    private static string FormatStatus(SandboxStatus s)
    {
        var text = new StringBuilder();
        if (!s.Exists)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Name}: not created yet; first use creates it (tier {s.Tier}, runtime {s.Runtime}).\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Name}: tier {s.Tier}, engine {s.Engine}\n");
            text.Append(CultureInfo.InvariantCulture, $"isolation: {s.Isolation}\n");
            text.Append(CultureInfo.InvariantCulture, $"limits: {string.Join("; ", s.Limits)}\n");
            text.Append(CultureInfo.InvariantCulture, $"network: {s.Network}\n");
            foreach (var line in s.Policy ?? [])
            {
                text.Append("policy: ").Append(line).Append('\n');
            }

            if (s.Image is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $"image: {s.Image}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"workdir: {s.WorkDir}; cwd: {s.Cwd ?? "(no shell yet)"}; shell pid: {(s.ShellPid?.ToString(CultureInfo.InvariantCulture) ?? "none")}\n");
            text.Append(CultureInfo.InvariantCulture, $"created {s.CreatedAt:u}; last used {s.LastUsedAt:u}");
            text.Append(s.ExpiresAt is { } e ? string.Create(CultureInfo.InvariantCulture, $"; idle expiry {e:u}\n") : "\n");
            if (s.Parent is not null)
            {
                text.Append("child of ").Append(s.Parent).Append('\n');
            }

            if (s.SpawnPolicy is not null)
            {
                text.Append("may spawn (sandbox-ctl): ").Append(s.SpawnPolicy).Append('\n');
            }

            if (s.EnvSet.Count > 0)
            {
                text.Append("env set: ").Append(string.Join(", ", s.EnvSet)).Append('\n');
            }

            foreach (var bg in s.Background ?? [])
            {
                text.Append(CultureInfo.InvariantCulture, $"bg {bg.Id}: {bg.State}, pid {bg.Pid}, restarts {bg.Restarts}");
                text.Append(bg.UptimeSeconds is { } up ? string.Create(CultureInfo.InvariantCulture, $", up {up:0.#} s") : "");
                text.Append(bg.Health is { } health ? $", {health}" : "").Append(": ").Append(bg.Command.Split('\n', 2)[0]).Append('\n');
            }

            foreach (var sync in s.Syncs ?? [])
            {
                text.Append(CultureInfo.InvariantCulture, $"sync {sync.Id}: {sync.HostPath} -> {sync.Path}, {sync.FilesSynced} files synced, last {sync.LastSyncAt:u}");
                text.Append(sync.LastError is { } error ? $", last error: {error}" : "").Append('\n');
            }
        }

        if (s.TierNote is { } tierNote)
        {
            text.Append("tier note: ").Append(tierNote).Append('\n');
        }

        text.Append("runtimes: ").Append(string.Join("; ", s.Runtimes.Select(r => $"{r.Name} ({r.Tier}) {(r.Available ? "available" : "unavailable")}: {r.Detail}")));
        return text.ToString();
    }
}
