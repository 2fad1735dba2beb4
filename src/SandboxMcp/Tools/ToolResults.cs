using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using SandboxMcp.Manager;

namespace SandboxMcp.Tools;

/// <summary>Shapes results for the model: readable text first, the same data as structured content.</summary>
public static class ToolResults
{
    /// <summary>A result with <paramref name="text"/> for the model and <paramref name="value"/> as structured content.</summary>
    public static CallToolResult Structured<T>(string text, T value) => new()
    {
        Content = [new TextContentBlock { Text = text }],
        StructuredContent = JsonSerializer.SerializeToElement(value, ToolJson.Options),
    };

    /// <summary>A command result as a terminal would show it, with exit code, time and what was cut or killed.</summary>
    public static CallToolResult Command(CommandResult result)
    {
        var text = new StringBuilder();
        text.Append(result.Stdout);
        if (result.StdoutTruncatedBytes > 0)
        {
            EndLine(text).Append(CultureInfo.InvariantCulture, $"[stdout truncated: {result.StdoutTruncatedBytes:N0} more bytes dropped]\n");
        }

        if (result.Stderr.Length > 0 || result.StderrTruncatedBytes > 0)
        {
            EndLine(text).Append("[stderr]\n").Append(result.Stderr);
            if (result.StderrTruncatedBytes > 0)
            {
                EndLine(text).Append(CultureInfo.InvariantCulture, $"[stderr truncated: {result.StderrTruncatedBytes:N0} more bytes dropped]\n");
            }
        }

        EndLine(text).Append(CultureInfo.InvariantCulture, $"[exit code {result.ExitCode} · {result.DurationMs} ms");
        if (result.TimedOut)
        {
            text.Append(" · timed out");
        }

        text.Append(']');
        if (result.Note is { } note)
        {
            text.Append("\n[note: ").Append(note).Append(']');
        }

        return Structured(text.ToString(), result);
    }

    private static StringBuilder EndLine(StringBuilder text) =>
        text.Length > 0 && text[^1] != '\n' ? text.Append('\n') : text;
}
