using System.Buffers;
using System.IO.Pipelines;

namespace SandboxMcp.Shell;

/// <summary>Reads a pipe up to a marker that may appear anywhere in the stream, even split across reads.</summary>
internal static class MarkerReader
{
    /// <summary>
    /// Copies bytes before <paramref name="marker"/> into <paramref name="sink"/> and consumes the marker.
    /// Returns false when the stream ended (or a pending read was cancelled) before the marker.
    /// </summary>
    public static async ValueTask<bool> ReadUntilAsync(PipeReader reader, byte[] marker, CappedOutput sink, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (TryFind(buffer, marker, sink, out var afterMarker))
                {
                    // Leave what follows the marker unexamined: it belongs to the next read.
                    consumed = afterMarker;
                    examined = afterMarker;
                    return true;
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    sink.Append(buffer);
                    consumed = buffer.End;
                    return false;
                }

                // Hold back a tail that could be the start of a marker split across reads.
                var keep = Math.Min(buffer.Length, marker.Length - 1);
                var cut = buffer.GetPosition(buffer.Length - keep);
                sink.Append(buffer.Slice(0, cut));
                consumed = cut;
            }
            finally
            {
                reader.AdvanceTo(consumed, examined);
            }
        }
    }

    private static bool TryFind(in ReadOnlySequence<byte> buffer, byte[] marker, CappedOutput sink, out SequencePosition afterMarker)
    {
        if (buffer.IsSingleSegment)
        {
            var index = buffer.FirstSpan.IndexOf(marker);
            if (index >= 0)
            {
                sink.Append(buffer.FirstSpan[..index]);
                afterMarker = buffer.GetPosition(index + marker.Length);
                return true;
            }

            afterMarker = default;
            return false;
        }

        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryReadTo(out ReadOnlySequence<byte> before, marker, advancePastDelimiter: true))
        {
            sink.Append(before);
            afterMarker = reader.Position;
            return true;
        }

        afterMarker = default;
        return false;
    }
}
