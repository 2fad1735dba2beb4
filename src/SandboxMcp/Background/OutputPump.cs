using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace SandboxMcp.Background;

/// <summary>Reads one pipe of a background process into its <see cref="LogRing"/> as the bytes arrive.</summary>
internal static class OutputPump
{
    /// <summary>Options for the pipes of background processes.</summary>
    public static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true);

    /// <summary>Copies everything <paramref name="reader"/> yields into <paramref name="ring"/> until EOF or <paramref name="stop"/>.</summary>
    public static async Task RunAsync(PipeReader reader, LogSource stream, LogRing ring, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(stop);
                var buffer = result.Buffer;
                try
                {
                    foreach (var segment in buffer)
                    {
                        ring.Append(stream, segment.Span);
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke when the process was killed: what arrived is in the ring.
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run ended and a leftover child still holds the pipe: stop listening.
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>
    /// Reads the first line (<c>TAG PID</c>) the launch script prints and returns the pid; null when the stream ended
    /// (the launch failed) or the line is not the expected one. Bytes after the line stay in the reader.
    /// </summary>
    public static async Task<int?> ReadPidLineAsync(PipeReader reader, string tag, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (TryReadLine(ref buffer, out var line))
                {
                    consumed = buffer.Start;
                    examined = consumed;
                    return ParsePidLine(Encoding.ASCII.GetString(line), tag);
                }

                if (result.IsCompleted || result.IsCanceled || buffer.Length > 4096)
                {
                    return null;
                }
            }
            finally
            {
                reader.AdvanceTo(consumed, examined);
            }
        }
    }

    /// <summary>The pid of a <c>TAG PID</c> line, or null.</summary>
    internal static int? ParsePidLine(string line, string tag)
    {
        var parts = line.Split(' ');
        return parts.Length == 2 && parts[0] == tag && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        if (buffer.PositionOf((byte)'\n') is not { } end)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, end);
        buffer = buffer.Slice(buffer.GetPosition(1, end));
        return true;
    }
}
