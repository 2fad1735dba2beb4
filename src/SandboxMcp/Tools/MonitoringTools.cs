using System.ComponentModel;
using System.Globalization;
using System.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Manager;
using SandboxMcp.Monitoring;

namespace SandboxMcp.Tools;

/// <summary>Resource use and health of sandboxes.</summary>
[McpServerToolType]
public sealed class MonitoringTools(SandboxManager manager)
{
    /// <summary>Reports resource use.</summary>
    [McpServerTool(Name = "stats", Title = "Resource use", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(SandboxStats))]
    [Description("Show a sandbox's resource use now against its limits: CPU, memory, processes, and disk (what the working directory holds, free space).")]
    public async Task<CallToolResult> StatsAsync(
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        CancellationToken cancellationToken = default)
    {
        var s = await manager.StatsAsync(sandbox, cancellationToken);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{s.Sandbox} ({s.Tier}, {s.Runtime})\n");
        text.Append(CultureInfo.InvariantCulture, $"cpu: {(s.CpuPercent is { } cpu ? cpu.ToString("0.0", CultureInfo.InvariantCulture) + " %" : "?")} of {s.Cpus:0.###} cpus\n");
        text.Append(CultureInfo.InvariantCulture, $"memory: {ImageTools.Size(s.MemoryBytes)} of {ImageTools.Size(s.MemoryLimitBytes)}\n");
        text.Append(CultureInfo.InvariantCulture, $"processes: {(s.Pids?.ToString(CultureInfo.InvariantCulture) ?? "?")} of {s.PidsLimit}\n");
        text.Append(CultureInfo.InvariantCulture, $"disk: working directory {ImageTools.Size(s.Disk.UsedBytes)}; {ImageTools.Size(s.Disk.AvailableBytes)} free of {ImageTools.Size(s.Disk.TotalBytes)}");
        return ToolResults.Structured(text.ToString(), s);
    }

    /// <summary>Checks every sandbox.</summary>
    [McpServerTool(Name = "health", Title = "Health of all sandboxes", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(HealthReport))]
    [Description("Check every sandbox in one call: running, stopped or missing, memory in use and disk. Creates and starts nothing.")]
    public async Task<CallToolResult> HealthAsync(CancellationToken cancellationToken = default)
    {
        var report = await manager.HealthAsync(cancellationToken);
        var text = new StringBuilder(report.Sandboxes.Count == 0 ? "No sandboxes." : report.Healthy ? "All sandboxes are running.\n" : "Not all sandboxes are running.\n");
        foreach (var s in report.Sandboxes)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s.Sandbox}\t{s.Tier} ({s.Runtime})\t{s.State}");
            text.Append(s.MemoryBytes is { } memory ? $"\tmemory {ImageTools.Size(memory)} of {ImageTools.Size(s.MemoryLimitBytes)}" : "");
            text.Append(s.Disk is { } disk ? $"\tdisk {ImageTools.Size(disk.UsedBytes)}, {ImageTools.Size(disk.AvailableBytes)} free" : "");
            text.Append(s.Detail is { } detail ? $"\t{detail}" : "").Append('\n');
        }

        return ToolResults.Structured(text.ToString(), report);
    }
}
