using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SandboxMcp.Common;

namespace SandboxMcp.Tools;

/// <summary>JSON shapes of tool results: <see cref="SnakeCaseJson"/> with source-generated metadata for the tool types.</summary>
public static class ToolJson
{
    /// <summary>Options for every tool's structured content and output schema.</summary>
    public static readonly JsonSerializerOptions Options = WithResolver(SnakeCaseJson.Create());

    private static JsonSerializerOptions WithResolver(JsonSerializerOptions options)
    {
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(
            ToolJsonContext.Default,
            ModelContextProtocol.McpJsonUtilities.DefaultOptions.TypeInfoResolver,
            new DefaultJsonTypeInfoResolver());
        return options;
    }
}
