using System.Buffers;
using SandboxMcp.Ports;

namespace SandboxMcp.Tests.Ports;

public sealed class MuxProtocolTests
{
    [Fact]
    public void TryRead_EncodedFrame_DecodesTypeChannelAndPayload()
    {
        var bytes = Frame(MuxFrameType.Data, 0x01020304, "hello"u8.ToArray());

        var buffer = new ReadOnlySequence<byte>(bytes);
        var ok = MuxProtocol.TryRead(ref buffer, out var frame);

        Assert.True(ok);
        Assert.Equal([2, 1, 2, 3, 4, 0, 0, 0, 5], bytes[..9]);
        Assert.Equal(MuxFrameType.Data, frame.Type);
        Assert.Equal(0x01020304u, frame.Channel);
        Assert.Equal("hello"u8.ToArray(), frame.Payload.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_FramesSplitAtEveryByte_DecodeOnlyWhenWholeAndInOrder()
    {
        byte[] stream = [.. Frame(MuxFrameType.Open, 7, []), .. Frame(MuxFrameType.Data, 7, "abc"u8.ToArray()), .. Frame(MuxFrameType.Window, 7, [0, 1, 0, 0]), .. Frame(MuxFrameType.Eof, 7, [])];
        var decoded = new List<(MuxFrameType, uint, byte[])>();
        var pending = Array.Empty<byte>();

        // One byte per read: every frame arrives split across reads, headers included.
        foreach (var b in stream)
        {
            pending = [.. pending, b];
            var buffer = Segmented(pending);
            while (MuxProtocol.TryRead(ref buffer, out var frame))
            {
                decoded.Add((frame.Type, frame.Channel, frame.Payload.ToArray()));
            }

            pending = buffer.ToArray();
        }

        Assert.Empty(pending);
        Assert.Equal([MuxFrameType.Open, MuxFrameType.Data, MuxFrameType.Window, MuxFrameType.Eof], decoded.Select(f => f.Item1));
        Assert.All(decoded, f => Assert.Equal(7u, f.Item2));
        Assert.Equal("abc"u8.ToArray(), decoded[1].Item3);
    }

    [Fact]
    public void TryRead_PartialFrame_LeavesTheBufferUntouched()
    {
        var bytes = Frame(MuxFrameType.Data, 1, new byte[100]);
        var buffer = new ReadOnlySequence<byte>(bytes, 0, 50);

        Assert.False(MuxProtocol.TryRead(ref buffer, out _));
        Assert.Equal(50, buffer.Length);
    }

    [Fact]
    public void TryRead_UnknownFrameType_IsAnInvalidDataError()
    {
        var bytes = Frame(MuxFrameType.Data, 1, []);
        bytes[0] = 42;
        var buffer = new ReadOnlySequence<byte>(bytes);

        var error = Assert.Throws<InvalidDataException>(() => MuxProtocol.TryRead(ref buffer, out _));

        Assert.Contains("unknown frame type 42", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_ImpossibleLength_IsAnInvalidDataErrorBeforeAnythingIsBuffered()
    {
        var header = new byte[MuxProtocol.HeaderSize];
        MuxProtocol.WriteHeader(header, MuxFrameType.Data, 1, int.MaxValue);
        var buffer = new ReadOnlySequence<byte>(header);

        Assert.Throws<InvalidDataException>(() => MuxProtocol.TryRead(ref buffer, out _));
    }

    [Fact]
    public void ReadCredit_MoreThanTheWindow_IsAnInvalidDataError()
    {
        var credit = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(credit, MuxProtocol.Window + 1);
        var buffer = new ReadOnlySequence<byte>(Frame(MuxFrameType.Window, 1, credit));
        Assert.True(MuxProtocol.TryRead(ref buffer, out var frame));

        Assert.Throws<InvalidDataException>(() => MuxProtocol.ReadCredit(frame));
    }

    internal static byte[] Frame(MuxFrameType type, uint channel, byte[] payload)
    {
        var bytes = new byte[MuxProtocol.HeaderSize + payload.Length];
        MuxProtocol.WriteHeader(bytes, type, channel, payload.Length);
        payload.CopyTo(bytes, MuxProtocol.HeaderSize);
        return bytes;
    }

    /// <summary>A sequence of one-byte segments, so that every read crosses segment boundaries.</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
