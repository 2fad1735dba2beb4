using System.Text.Json;
using System.Text.Json.Serialization;

namespace SandboxMcp.Common;

/// <summary>The JSON shape the server speaks to clients (tool results, the sandbox-ctl protocol): snake_case, enums as strings, nulls left out.</summary>
public static class SnakeCaseJson
{
    /// <summary>Fresh options with the shape; callers may add a type resolver before first use.</summary>
    public static JsonSerializerOptions Create() => new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Shared options with reflection-based metadata.</summary>
    public static readonly JsonSerializerOptions Options = Create();
}
