using System.ComponentModel;
using System.Globalization;
using System.Text;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Manager;
using SandboxMcp.Packages;

namespace SandboxMcp.Tools;

/// <summary>Installing packages in a sandbox.</summary>
[McpServerToolType]
public sealed class PackageTools(SandboxManager sandboxes, TimeProvider time)
{
    /// <summary>Installs packages.</summary>
    [McpServerTool(Name = "install", Title = "Install packages", Destructive = false, Idempotent = true, OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(InstallResult))]
    [Description("Install packages in a sandbox with its package manager, reporting progress while it runs. manager: \"auto\" (default: the image's apt, apk or dnf), \"apt\", \"pip\" or \"npm\". Returns what is installed (with versions), the time taken and the installer's last output lines. Package caches survive reset.")]
    public async Task<CallToolResult> InstallAsync(
        [Description("Package names, e.g. [\"jq\", \"build-essential\"] for apt or [\"requests==2.32\"] for pip.")] string[] packages,
        [Description("\"auto\" (default), \"apt\", \"pip\" or \"npm\".")] string? manager = null,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var reporter = progress is null ? null : new ToolProgress(progress, time);
        var result = await sandboxes.UseAsync(sandbox, s => s.InstallAsync(packages, manager, reporter, cancellationToken), cancellationToken);
        var text = new StringBuilder();
        text.Append(result.ExitCode == 0 ? "Installed with " : $"Install failed (exit {result.ExitCode}) with ").Append(result.Manager)
            .Append(CultureInfo.InvariantCulture, $" in {result.DurationMs / 1000.0:0.0} s\n");
        foreach (var package in result.Installed)
        {
            text.Append(CultureInfo.InvariantCulture, $"{package.Name} {package.Version}\n");
        }

        if (result.ExitCode != 0)
        {
            text.Append("[installer output]\n").Append(result.Log);
        }

        var structured = ToolResults.Structured(text.ToString(), result);
        structured.IsError = result.ExitCode != 0;
        return structured;
    }
}
