using System.Text.Json;

namespace SandboxMcp.Children;

/// <summary>One sandbox-ctl request line: <c>{"id":…, "op":…, …}</c>. Unknown fields are ignored.</summary>
public sealed record CtlRequest(string? Id, string Op, JsonElement Body)
{
    /// <summary>Parses a line; throws <see cref="SpawnError"/> (<c>INVALID_REQUEST</c>) saying what is wrong.</summary>
    public static CtlRequest Parse(ReadOnlySpan<byte> line)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new SpawnError(SpawnError.InvalidRequest, $"the request is not JSON: {ex.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SpawnError(SpawnError.InvalidRequest, "the request must be a JSON object like {\"id\":\"1\",\"op\":\"ping\"}");
        }

        var id = root.TryGetProperty("id", out var i) ? i.ValueKind switch
        {
            JsonValueKind.String => i.GetString(),
            JsonValueKind.Number => i.GetRawText(),
            _ => null,
        } : null;
        var op = root.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "";
        return new CtlRequest(id, op, root);
    }

    /// <summary>An optional string field.</summary>
    public string? Text(string name) => Body.TryGetProperty(name, out var v) ? v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Null => null,
        _ => throw new SpawnError(SpawnError.InvalidRequest, $"'{name}' must be a string"),
    } : null;

    /// <summary>A required string field.</summary>
    public string RequiredString(string name) =>
        Text(name) is { Length: > 0 } value ? value : throw new SpawnError(SpawnError.InvalidRequest, $"'{name}' is required for op '{Op}'");

    /// <summary>An optional number field.</summary>
    public double? Number(string name) => Body.TryGetProperty(name, out var v) ? v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.Null => null,
        _ => throw new SpawnError(SpawnError.InvalidRequest, $"'{name}' must be a number"),
    } : null;

    /// <summary>The command of exec/run: <c>argv</c> (array, quoted for the shell here) or <c>command</c> (shell text).</summary>
    public string Command()
    {
        if (Body.TryGetProperty("argv", out var argv))
        {
            if (argv.ValueKind != JsonValueKind.Array || argv.GetArrayLength() == 0 || argv.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
            {
                throw new SpawnError(SpawnError.InvalidRequest, "'argv' must be a non-empty array of strings");
            }

            try
            {
                return string.Join(' ', argv.EnumerateArray().Select(a => Shell.ShellQuoting.Quote(a.GetString()!)));
            }
            catch (ArgumentException)
            {
                throw new SpawnError(SpawnError.InvalidRequest, "'argv' contains NUL");
            }
        }

        return RequiredString("command");
    }
}
