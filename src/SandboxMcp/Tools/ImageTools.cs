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

/// <summary>Building and listing container images for vm sandboxes.</summary>
[McpServerToolType]
public sealed partial class ImageTools(SandboxManager manager)
{
    private const int DefaultBuildTimeoutSeconds = 1800;

    /// <summary>Builds an image.</summary>
    [McpServerTool(Name = "build_image", Title = "Build an image", Destructive = false, Idempotent = true, OpenWorld = true)]
    [Description("Build a container image from Containerfile (Dockerfile) text with the vm engine, for create's image parameter or a profile. No registry is needed for FROM localhost/sandbox-mcp-base:bookworm. Reports each build line as progress; the result has the last lines.")]
    public async Task<CallToolResult> BuildImageAsync(
        [Description("The Containerfile's full text, e.g. \"FROM localhost/sandbox-mcp-base:bookworm\\nRUN apt-get update && apt-get install -y jq\".")] string containerfile,
        [Description("Image tag, e.g. \"localhost/my-tools:1\" (lower case).")] string tag,
        [Description("Host directory sent as build context for COPY/ADD; must lie under the configured host roots. Default: an empty context.")] string? context = null,
        [Description("Seconds before the build is stopped (default 1800).")] double? timeout = null,
        IProgress<ProgressNotificationValue>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(containerfile) || containerfile.Contains('\0', StringComparison.Ordinal))
        {
            throw new SandboxException("'containerfile' is empty: give the Containerfile text, starting with a FROM line.");
        }

        if (tag is null || tag.Length > 255 || !TagRegex().IsMatch(tag))
        {
            throw new SandboxException($"Invalid tag '{InputValidation.Printable(tag)}': use lower-case letters, digits and . _ - / :, e.g. \"localhost/my-tools:1\".");
        }

        var maxTimeout = manager.Options.MaxTimeoutSeconds;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(InputValidation.Timeout(timeout, Math.Min(DefaultBuildTimeoutSeconds, maxTimeout), maxTimeout));
        try
        {
            var result = await manager.BuildImageAsync(containerfile, tag, context, ToolProgress.From(progress), cts.Token);
            return ToolResults.Structured($"Built {result.Tag} with {result.Engine} in {result.DurationMs / 1000.0:0.0} s.\n{result.OutputTail}", result);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SandboxException($"Building {tag} timed out and was stopped: give a longer timeout.");
        }
    }

    /// <summary>Lists images.</summary>
    [McpServerTool(Name = "images", Title = "List images", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("List the container images the vm engine has locally (usable as create's image): name, id, size, creation time.")]
    public async Task<CallToolResult> ImagesAsync(CancellationToken cancellationToken = default)
    {
        var (engine, images) = await manager.ListImagesAsync(cancellationToken);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{images.Count} images on {engine}:\n");
        foreach (var image in images)
        {
            text.Append(CultureInfo.InvariantCulture, $"{image.Name}\t{image.Id}\t{Size(image.SizeBytes)}\t{image.CreatedAt:u}\n");
        }

        return ToolResults.Structured(text.ToString(), new { engine, images });
    }

    /// <summary>A size for people: <c>271 MB</c>.</summary>
    internal static string Size(long? bytes) => bytes switch
    {
        null => "?",
        >= 1_000_000_000 => (bytes.Value / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
        >= 1_000_000 => (bytes.Value / 1e6).ToString("0", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes.Value / 1e3).ToString("0", CultureInfo.InvariantCulture) + " kB",
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$")]
    private static partial Regex TagRegex();
}
