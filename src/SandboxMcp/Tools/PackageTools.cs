using System.ComponentModel;
using System.Globalization;
using System.Text;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Common;
using SandboxMcp.Manager;
using SandboxMcp.Packages;

namespace SandboxMcp.Tools;

/// <summary>Installing packages in a sandbox.</summary>
[McpServerToolType]
public sealed class PackageTools(SandboxManager sandboxes)
{
    private const int DefaultInstallTimeoutSeconds = 600;

    /// <summary>Installs packages.</summary>
    [McpServerTool(Name = "install", Title = "Install packages", Destructive = false, Idempotent = true, OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(InstallResult))]
    [Description("Install packages in a sandbox with apt, apk, pip or npm, and list the versions now installed. manager \"auto\" (default) uses the image's system package manager (apt on the default Debian image). System packages (apt, apk) need a vm sandbox; on other tiers pip and npm install into the sandbox's home. Reports progress while it runs; downloaded packages are cached across reset.")]
    public async Task<CallToolResult> InstallAsync(
        [Description("Package names, optionally with versions, e.g. [\"jq\", \"curl\"] (apt), [\"requests>=2.31\"] (pip), [\"typescript\"] (npm).")] string[] packages,
        [Description("\"auto\" (default), \"apt\", \"apk\", \"pip\" or \"npm\".")] string manager = "auto",
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        [Description("Seconds before the install is stopped (default 600).")] double? timeout = null,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var maxTimeout = sandboxes.Options.MaxTimeoutSeconds;
        var limit = InputValidation.Timeout(timeout, Math.Min(DefaultInstallTimeoutSeconds, maxTimeout), maxTimeout);
        var result = await sandboxes.InstallAsync(sandbox, packages, manager, limit, ToolProgress.From(progress), cancellationToken);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Installed with {result.Manager} in {result.DurationMs / 1000.0:0.0} s:\n");
        foreach (var package in result.Packages)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {package.Name} {package.Version}\n");
        }

        if (result.Note is { } note)
        {
            text.Append("[note: ").Append(note).Append(']');
        }

        return ToolResults.Structured(text.ToString().TrimEnd(), result);
    }
}
