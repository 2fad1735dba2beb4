using System.Text.Json;
using System.Text.Json.Nodes;

namespace SandboxMcp.Tools;

/// <summary>
/// The arguments of an <c>exec</c> call in the one shape <see cref="InlineExec"/> takes: <c>command</c> a string,
/// <c>sandbox</c> and <c>workdir</c> strings, <c>timeout</c> a number (the last three optional, null allowed for
/// workdir and timeout), nothing else. Any other shape is the SDK's to bind or refuse.
/// </summary>
internal readonly record struct ExecArguments(string Command, string Sandbox, double? Timeout, string? Workdir)
{
    /// <summary>Reads <c>tools/call</c> params naming <c>exec</c>; false for anything else.</summary>
    public static bool TryRead(JsonNode? parameters, out ExecArguments arguments)
    {
        arguments = default;
        if (parameters is not JsonObject call)
        {
            return false;
        }

        JsonObject? given = null;
        var named = false;
        foreach (var (key, value) in call)
        {
            switch (key)
            {
                case "name" when value is JsonValue name && name.GetValueKind() == JsonValueKind.String && name.GetValue<string>() == "exec":
                    named = true;
                    break;
                case "arguments" when value is JsonObject found:
                    given = found;
                    break;
                case "_meta" when value is null || (value is JsonObject meta && !meta.ContainsKey("progressToken")):
                    break;
                default:
                    return false;
            }
        }

        if (!named || given is null)
        {
            return false;
        }

        string? command = null;
        var sandbox = "default";
        double? timeout = null;
        string? workdir = null;
        foreach (var (key, value) in given)
        {
            var kind = value?.GetValueKind() ?? JsonValueKind.Null;
            switch (key)
            {
                case "command" when kind == JsonValueKind.String:
                    command = value!.GetValue<string>();
                    break;
                case "sandbox" when kind == JsonValueKind.String:
                    sandbox = value!.GetValue<string>();
                    break;
                case "timeout" when kind == JsonValueKind.Number && value!.AsValue().TryGetValue(out double seconds):
                    timeout = seconds;
                    break;
                case "timeout" or "workdir" when kind == JsonValueKind.Null:
                    break;
                case "workdir" when kind == JsonValueKind.String:
                    workdir = value!.GetValue<string>();
                    break;
                default:
                    return false;
            }
        }

        if (command is null)
        {
            return false;
        }

        arguments = new ExecArguments(command, sandbox, timeout, workdir);
        return true;
    }
}
