using System.Text;
using System.Text.Json;
using SandboxMcp.Configuration;

namespace SandboxMcp.State;

/// <summary>One audited operation on a sandbox.</summary>
/// <param name="At">When it started.</param>
/// <param name="Tool">The operation (<c>exec</c>, <c>write_file</c> …).</param>
/// <param name="Summary">What was done, shortened; never a secret.</param>
/// <param name="ExitCode">Exit status when the operation ran a command.</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="Error">The error message when it failed.</param>
public sealed record HistoryEntry(DateTimeOffset At, string Tool, string Summary, int? ExitCode, long DurationMs, string? Error = null);

/// <summary>
/// Per-sandbox audit history in <c>history/NAME.jsonl</c>. Appends are single writes with O_APPEND, so several
/// servers can log to one sandbox; the file is trimmed to the newest entries when it doubles.
/// </summary>
public sealed class HistoryLog(ServerPaths paths, SandboxMcpOptions options)
{
    private const int MaxSummaryLength = 500;
    private readonly Lock _trimLock = new();

    /// <summary>Appends an entry.</summary>
    public void Append(string sandbox, HistoryEntry entry)
    {
        if (options.HistoryLimit == 0)
        {
            return;
        }

        var shortened = entry.Summary.Length > MaxSummaryLength ? entry with { Summary = entry.Summary[..MaxSummaryLength] + "…" } : entry;
        var line = JsonSerializer.Serialize(shortened, StateStore.JsonOptions).ReplaceLineEndings("") + "\n";
        Directory.CreateDirectory(paths.HistoryDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var file = FileFor(sandbox);
        using (var stream = new FileStream(file, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(Encoding.UTF8.GetBytes(line));
            if (stream.Length < options.HistoryLimit * 2L * 256)
            {
                return;
            }
        }

        TrimIfLong(file);
    }

    /// <summary>The newest <paramref name="limit"/> entries, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> Read(string sandbox, int limit)
    {
        var file = FileFor(sandbox);
        if (!File.Exists(file))
        {
            return [];
        }

        return [.. ReadLines(file).TakeLast(Math.Min(limit, options.HistoryLimit)).Select(Parse).OfType<HistoryEntry>()];
    }

    /// <summary>Deletes the history of a destroyed sandbox.</summary>
    public void Delete(string sandbox) => File.Delete(FileFor(sandbox));

    private void TrimIfLong(string file)
    {
        lock (_trimLock)
        {
            var lines = ReadLines(file);
            if (lines.Count <= options.HistoryLimit * 2)
            {
                return;
            }

            var temp = file + $".{Environment.ProcessId}.tmp";
            File.WriteAllLines(temp, lines.TakeLast(options.HistoryLimit));
            File.Move(temp, file, overwrite: true);
        }
    }

    private static List<string> ReadLines(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private static HistoryEntry? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<HistoryEntry>(line, StateStore.JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string FileFor(string sandbox) => Path.Combine(paths.HistoryDirectory, sandbox + ".jsonl");
}
