using System.ComponentModel;
using System.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SandboxMcp.Common;
using SandboxMcp.Manager;
using SandboxMcp.Transfer;

namespace SandboxMcp.Tools;

/// <summary>Reading and writing files inside a sandbox.</summary>
[McpServerToolType]
public sealed class FileTools(SandboxManager manager)
{
    /// <summary>Most bytes one read_file call returns.</summary>
    public const int MaxReadBytes = 256 * 1024;

    /// <summary>Writes a file.</summary>
    [McpServerTool(Name = "write_file", Title = "Write a file", Destructive = true, Idempotent = true, OpenWorld = false)]
    [Description("Write a file in a sandbox, creating parent directories; replaces an existing file atomically (never half-written). Content is written byte for byte as UTF-8, or decoded from base64 for binary files.")]
    public async Task<CallToolResult> WriteFileAsync(
        [Description("Path inside the sandbox, absolute or relative to the shell's current directory, e.g. \"src/app.py\".")] string path,
        [Description("The file's full content.")] string content,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        [Description("\"utf-8\" (default) or \"base64\" for binary content.")] string encoding = "utf-8",
        CancellationToken cancellationToken = default)
    {
        InputValidation.SandboxPath(path);
        var bytes = Encode(content, encoding, path);
        await manager.UseAsync(sandbox, s => s.WriteFileAsync(path, bytes, cancellationToken), cancellationToken);
        return ToolResults.Structured($"Wrote {SandboxFiles.Bytes(bytes.Length)} to {path}", new { path, bytes = bytes.Length });
    }

    /// <summary>Reads a text file.</summary>
    [McpServerTool(Name = "read_file", Title = "Read a file", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true, OutputSchemaType = typeof(FileReadResult))]
    [Description("Read a text file from a sandbox, whole or a range of lines. Returns the text exactly as stored; says when it stopped early (at most 256 KB per call) and which offset continues.")]
    public async Task<CallToolResult> ReadFileAsync(
        [Description("Path inside the sandbox, absolute or relative to the shell's current directory.")] string path,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        [Description("First line to return, 1-based (default 1).")] long offset = 1,
        [Description("Most lines to return (default: as many as fit in 256 KB).")] long? limit = null,
        CancellationToken cancellationToken = default)
    {
        InputValidation.SandboxPath(path);
        if (offset < 1)
        {
            throw new SandboxException($"Invalid offset {offset}: lines are numbered from 1.");
        }

        if (limit is < 1)
        {
            throw new SandboxException($"Invalid limit {limit}: give a number of lines of at least 1, or leave it out.");
        }

        var result = await manager.UseAsync(sandbox, s => s.ReadFileAsync(path, offset, limit, MaxReadBytes, cancellationToken), cancellationToken);
        var text = new StringBuilder(result.Content);
        if (result.Truncated)
        {
            text.Append(text.Length > 0 && text[^1] != '\n' ? "\n" : "")
                .Append($"[truncated: lines {result.StartLine}..{result.StartLine + result.LineCount - 1} shown; continue with offset {result.NextOffset}]");
        }
        else if (result.LineCount == 0)
        {
            text.Append(result.TotalLines is 0 ? $"[{path} is empty]" : $"[no lines at offset {offset}: the file has {result.TotalLines} lines]");
        }

        return ToolResults.Structured(text.ToString(), result);
    }

    /// <summary>Writes several files.</summary>
    [McpServerTool(Name = "batch_write", Title = "Write several files", Destructive = true, Idempotent = true, OpenWorld = false)]
    [Description("Write several UTF-8 text files in a sandbox in one call (one tar stream), e.g. a project skeleton: {\"src/main.py\": \"…\", \"README.md\": \"…\"}. Parent directories are created; each file is replaced atomically (executable bit kept). All paths are checked before anything is written.")]
    public async Task<CallToolResult> BatchWriteAsync(
        [Description("Map of path (absolute, or relative to the shell's current directory) to full file content.")] Dictionary<string, string> files,
        [Description("Sandbox name (default \"default\").")] string sandbox = "default",
        CancellationToken cancellationToken = default)
    {
        if (files is null || files.Count == 0)
        {
            throw new SandboxException("'files' is empty: give a map of path to content, e.g. {\"hello.txt\": \"hi\\n\"}.");
        }

        var encoded = files.Select(f => (Path: InputValidation.SandboxPath(f.Key, "files"), Bytes: Encoding.UTF8.GetBytes(f.Value ?? ""))).ToList();
        var written = await manager.BatchWriteAsync(sandbox, encoded, cancellationToken);
        return ToolResults.Structured(
            $"Wrote {written.Count} files ({SandboxFiles.Bytes(written.Sum(e => (long)e.Bytes))})",
            new { files = written.Select(w => new { path = w.Path, bytes = w.Bytes }).ToList() });
    }

    private static byte[] Encode(string? content, string encoding, string path)
    {
        if (content is null)
        {
            throw new SandboxException("'content' is required (use \"\" for an empty file).");
        }

        switch (encoding.ToLowerInvariant())
        {
            case "utf-8" or "utf8" or "text":
                return Encoding.UTF8.GetBytes(content);
            case "base64":
                try
                {
                    return Convert.FromBase64String(content);
                }
                catch (FormatException)
                {
                    throw new SandboxException($"The content for {path} is not valid base64: encode the bytes with standard base64 (A-Z a-z 0-9 + / =), or use encoding \"utf-8\" for text.");
                }

            default:
                throw new SandboxException($"Unknown encoding '{InputValidation.Printable(encoding)}': use \"utf-8\" or \"base64\".");
        }
    }
}
