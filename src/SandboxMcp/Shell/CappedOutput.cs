using System.Buffers;
using System.Text;

namespace SandboxMcp.Shell;

/// <summary>
/// Keeps the first <c>cap</c> bytes of a stream and counts the rest, so a flood of output costs no memory.
/// </summary>
public sealed class CappedOutput(int cap)
{
    private readonly ArrayBufferWriter<byte> _kept = new(Math.Clamp(cap, 1, 4096));

    /// <summary>Bytes seen past the cap and dropped.</summary>
    public long DroppedBytes { get; private set; }

    /// <summary>Bytes kept.</summary>
    public int KeptBytes => _kept.WrittenCount;

    /// <summary>Appends data, keeping what fits under the cap.</summary>
    public void Append(in ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment)
        {
            Append(data.FirstSpan);
            return;
        }

        foreach (var segment in data)
        {
            Append(segment.Span);
        }
    }

    /// <summary>Appends data, keeping what fits under the cap.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        var room = cap - _kept.WrittenCount;
        if (room >= data.Length)
        {
            _kept.Write(data);
            return;
        }

        if (room > 0)
        {
            _kept.Write(data[..room]);
        }

        DroppedBytes += data.Length - Math.Max(room, 0);
    }

    /// <summary>The kept bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _kept.WrittenSpan;

    /// <summary>
    /// Decodes the kept bytes as UTF-8, replacing invalid sequences with U+FFFD. When the cap cut a character in
    /// two, the partial character is dropped (and counted) rather than shown as garbage.
    /// </summary>
    public string Decode()
    {
        var bytes = _kept.WrittenSpan;
        if (DroppedBytes > 0)
        {
            var cut = IncompleteTailLength(bytes);
            bytes = bytes[..^cut];
            DroppedBytes += cut;
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private static int IncompleteTailLength(ReadOnlySpan<byte> bytes)
    {
        // Walk back over at most three continuation bytes to the lead byte and see if its sequence fits.
        for (var back = 1; back <= Math.Min(4, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? back : 0;
        }

        return 0;
    }
}
