using System.Text;

namespace SandboxMcp.Background;

/// <summary>
/// The recent output of a background process: chunks of stdout, stderr and supervisor notes in arrival order, at
/// most <c>capacity</c> bytes; the oldest chunks fall out first and are counted per stream, so a process that
/// floods its output costs bounded memory.
/// </summary>
public sealed class LogRing(int capacity)
{
    /// <summary>Bookkeeping per chunk charged against the capacity, so a flood of one-byte writes stays bounded too.</summary>
    internal const int ChunkOverhead = 32;

    private readonly Queue<Chunk> _chunks = new();
    private readonly Lock _lock = new();
    private long _size;
    private long _droppedStdout;
    private long _droppedStderr;

    /// <summary>Bytes held now, with the per-chunk overhead.</summary>
    public long Size
    {
        get
        {
            lock (_lock)
            {
                return _size;
            }
        }
    }

    /// <summary>Appends output of <paramref name="stream"/>; a chunk larger than the ring keeps only its end.</summary>
    public void Append(LogSource stream, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var room = capacity - ChunkOverhead;
        var cut = Math.Max(0, data.Length - room);
        var chunk = new Chunk(stream, data[cut..].ToArray());
        lock (_lock)
        {
            CountDropped(stream, cut);
            _chunks.Enqueue(chunk);
            _size += chunk.Data.Length + ChunkOverhead;
            while (_size > capacity && _chunks.Count > 1)
            {
                var old = _chunks.Dequeue();
                _size -= old.Data.Length + ChunkOverhead;
                CountDropped(old.Stream, old.Data.Length);
            }
        }
    }

    /// <summary>Appends a supervisor note as its own line.</summary>
    public void Note(string text) => Append(LogSource.Supervisor, Encoding.UTF8.GetBytes("[sandbox-mcp] " + text + "\n"));

    /// <summary>
    /// The last <paramref name="tail"/> lines of <paramref name="stream"/> (null: both; supervisor notes always),
    /// at most <paramref name="maxBytes"/> bytes of them. A line cut by a chunk of the other stream is ended there,
    /// so the two streams never mix within a line.
    /// </summary>
    public LogView Read(LogSource? stream, int tail, int maxBytes)
    {
        var bytes = new List<byte>();
        long droppedOut, droppedErr;
        lock (_lock)
        {
            droppedOut = _droppedStdout;
            droppedErr = _droppedStderr;
            LogSource? previous = null;
            foreach (var chunk in _chunks)
            {
                if (stream is { } only && chunk.Stream != only && chunk.Stream != LogSource.Supervisor)
                {
                    continue;
                }

                if (previous is { } p && p != chunk.Stream && bytes.Count > 0 && bytes[^1] != (byte)'\n')
                {
                    bytes.Add((byte)'\n');
                }

                bytes.AddRange(chunk.Data);
                previous = chunk.Stream;
            }
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        var (start, lines, omitted) = TailStart(span, tail, maxBytes);
        return new LogView(Encoding.UTF8.GetString(span[start..]), lines, omitted, droppedOut, droppedErr);
    }

    /// <summary>Where the last <paramref name="tail"/> lines that fit in <paramref name="maxBytes"/> begin.</summary>
    internal static (int Start, int Lines, int Omitted) TailStart(ReadOnlySpan<byte> text, int tail, int maxBytes)
    {
        var total = CountLines(text);
        var start = text.Length;
        var lines = 0;
        // Walk back over line ends; the text's own last newline does not start a line.
        var end = text.Length > 0 && text[^1] == (byte)'\n' ? text.Length - 1 : text.Length;
        while (lines < tail && start > 0)
        {
            var previousNewline = text[..Math.Min(end, start)].LastIndexOf((byte)'\n');
            var lineStart = previousNewline + 1;
            if (text.Length - lineStart > maxBytes)
            {
                if (lines == 0)
                {
                    // One line longer than the limit: keep its end.
                    start = text.Length - maxBytes;
                    lines = 1;
                }

                break;
            }

            start = lineStart;
            end = previousNewline;
            lines++;
            if (previousNewline < 0)
            {
                break;
            }
        }

        return (start, lines, total - lines);
    }

    private static int CountLines(ReadOnlySpan<byte> text) =>
        text.IsEmpty ? 0 : text.Count((byte)'\n') + (text[^1] == (byte)'\n' ? 0 : 1);

    private void CountDropped(LogSource stream, long bytes)
    {
        if (stream == LogSource.Stdout)
        {
            _droppedStdout += bytes;
        }
        else if (stream == LogSource.Stderr)
        {
            _droppedStderr += bytes;
        }
    }

    private readonly record struct Chunk(LogSource Stream, byte[] Data);
}
