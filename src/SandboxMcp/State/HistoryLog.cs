using System.Text;
using System.Text.Json;
using System.Threading.Channels;
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
/// Per-sandbox audit history in <c>history/NAME.jsonl</c>. Entries are queued and written by one background
/// writer, so auditing costs the exec hot path nothing; reads and deletes wait for the queue first. Appends use
/// O_APPEND, so several servers can log to one sandbox; a file is trimmed to the newest entries when it doubles.
/// </summary>
public sealed class HistoryLog : IAsyncDisposable
{
    private const int MaxSummaryLength = 500;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ServerPaths _paths;
    private readonly SandboxMcpOptions _options;
    private readonly Task _writer;

    /// <summary>Starts the background writer.</summary>
    public HistoryLog(ServerPaths paths, SandboxMcpOptions options)
    {
        _paths = paths;
        _options = options;
        _writer = Task.Run(WriteLoopAsync);
    }

    private abstract record Work;

    private sealed record AppendWork(string Sandbox, string Line) : Work;

    private sealed record DeleteWork(string Sandbox) : Work;

    private sealed record FlushWork(TaskCompletionSource Done) : Work;

    /// <summary>Queues an entry; returns at once.</summary>
    public void Append(string sandbox, HistoryEntry entry)
    {
        if (_options.HistoryLimit == 0)
        {
            return;
        }

        var shortened = entry.Summary.Length > MaxSummaryLength ? entry with { Summary = entry.Summary[..MaxSummaryLength] + "…" } : entry;
        _queue.Writer.TryWrite(new AppendWork(sandbox, JsonSerializer.Serialize(shortened, StateStore.JsonOptions).ReplaceLineEndings("") + "\n"));
    }

    /// <summary>The newest <paramref name="limit"/> entries, oldest first, including everything queued before the call.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> ReadAsync(string sandbox, int limit, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        var file = FileFor(sandbox);
        if (!File.Exists(file))
        {
            return [];
        }

        return [.. ReadLines(file).TakeLast(Math.Min(limit, _options.HistoryLimit)).Select(Parse).OfType<HistoryEntry>()];
    }

    /// <summary>Deletes the history of a destroyed sandbox (after anything queued for it).</summary>
    public void Delete(string sandbox) => _queue.Writer.TryWrite(new DeleteWork(sandbox));

    /// <summary>Waits until everything queued so far is on disk.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_queue.Writer.TryWrite(new FlushWork(done)))
        {
            await done.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var work in _queue.Reader.ReadAllAsync())
        {
            try
            {
                switch (work)
                {
                    case AppendWork append:
                        WriteLine(append.Sandbox, append.Line);
                        break;
                    case DeleteWork delete:
                        File.Delete(FileFor(delete.Sandbox));
                        break;
                    case FlushWork flush:
                        flush.Done.TrySetResult();
                        break;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The audit trail is best effort: a full disk must not stop sandboxes from working.
            }
        }
    }

    private void WriteLine(string sandbox, string line)
    {
        Directory.CreateDirectory(_paths.HistoryDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var file = FileFor(sandbox);
        long length;
        using (var stream = new FileStream(file, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(Encoding.UTF8.GetBytes(line));
            length = stream.Length;
        }

        if (length > _options.HistoryLimit * 2L * 256)
        {
            TrimIfLong(file);
        }
    }

    private void TrimIfLong(string file)
    {
        var lines = ReadLines(file);
        if (lines.Count <= _options.HistoryLimit * 2)
        {
            return;
        }

        var temp = file + $".{Environment.ProcessId}.tmp";
        File.WriteAllLines(temp, lines.TakeLast(_options.HistoryLimit));
        File.Move(temp, file, overwrite: true);
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

    private string FileFor(string sandbox) => Path.Combine(_paths.HistoryDirectory, sandbox + ".jsonl");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }
}
