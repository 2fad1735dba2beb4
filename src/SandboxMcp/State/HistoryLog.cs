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
/// writer in batches, at most <see cref="BatchWindow"/> after they were queued, so auditing costs the exec hot path
/// neither a file write nor a thread wake-up per command; reads wait for the queue first. Appends use O_APPEND,
/// so several servers can log to one sandbox; a file is trimmed to the newest entries when it doubles.
/// </summary>
/// <remarks>A crash loses at most the last <see cref="BatchWindow"/> of audit entries, never a sandbox's files.</remarks>
public sealed class HistoryLog : IAsyncDisposable
{
    /// <summary>How long queued entries may wait so that a burst of commands is written with one append per file.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(200);

    private const int MaxSummaryLength = 500;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ServerPaths _paths;
    private readonly SandboxMcpOptions _options;
    private readonly Task _writer;

    // Released by flushes and shutdown so the writer ends its batch window at once.
    private readonly SemaphoreSlim _hurry = new(0);

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
            _hurry.Release();
            await done.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Work>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            await _hurry.WaitAsync(BatchWindow);
            while (_queue.Reader.TryRead(out var work))
            {
                batch.Add(work);
            }

            Write(batch);
            batch.Clear();
        }
    }

    /// <summary>Carries out a batch in order; consecutive appends to one sandbox become one write.</summary>
    private void Write(List<Work> batch)
    {
        var lines = new StringBuilder();
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                switch (batch[i])
                {
                    case AppendWork append:
                        lines.Append(append.Line);
                        if (i + 1 == batch.Count || batch[i + 1] is not AppendWork next || next.Sandbox != append.Sandbox)
                        {
                            WriteLines(append.Sandbox, lines.ToString());
                            lines.Clear();
                        }

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
                lines.Clear();
            }
        }
    }

    private void WriteLines(string sandbox, string lines)
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
            stream.Write(Encoding.UTF8.GetBytes(lines));
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
        _hurry.Release();
        await _writer;
        _hurry.Dispose();
    }
}
