using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SandboxMcp.Tools;

/// <summary>JSON shapes of tool results: snake_case (<c>exit_code</c>), enums as strings, nulls omitted.</summary>
public static class ToolJson
{
    /// <summary>Options for every tool's structured content and output schema.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        TypeInfoResolver = JsonTypeInfoResolver.Combine(
            ToolJsonContext.Default,
            ModelContextProtocol.McpJsonUtilities.DefaultOptions.TypeInfoResolver,
            new DefaultJsonTypeInfoResolver()),
    };
}
