using System.Buffers;
using System.Text;
using SandboxMcp.Shell;

namespace SandboxMcp.Tests.Shell;

public sealed class CappedOutputTests
{
    [Fact]
    public void Append_UnderCap_KeepsEverything()
    {
        var sut = new CappedOutput(10);

        sut.Append("hello"u8);

        Assert.Equal("hello", sut.Decode());
        Assert.Equal(0, sut.DroppedBytes);
    }

    [Fact]
    public void Append_PastCap_KeepsHeadAndCountsTheRest()
    {
        var sut = new CappedOutput(4);

        sut.Append("abc"u8);
        sut.Append("defgh"u8);
        sut.Append("ij"u8);

        Assert.Equal("abcd", sut.Decode());
        Assert.Equal(6, sut.DroppedBytes);
    }

    [Fact]
    public void Append_MultiSegmentSequence_KeepsOrder()
    {
        var first = new Segment("ab"u8.ToArray());
        var last = first.Append("cd"u8.ToArray());
        var sut = new CappedOutput(100);

        sut.Append(new ReadOnlySequence<byte>(first, 0, last, 2));

        Assert.Equal("abcd", sut.Decode());
    }

    [Fact]
    public void Decode_InvalidUtf8_IsReplaced()
    {
        var sut = new CappedOutput(100);

        sut.Append([(byte)'a', 0xFF, (byte)'b']);

        Assert.Equal("a\uFFFDb", sut.Decode());
    }

    [Fact]
    public void Decode_CapCutsACharacterInTwo_DropsThePartialCharacter()
    {
        var bytes = Encoding.UTF8.GetBytes("ab€"); // € is three bytes
        var sut = new CappedOutput(4);

        sut.Append(bytes);

        Assert.Equal("ab", sut.Decode());
        Assert.Equal(3, sut.DroppedBytes);
    }

    [Fact]
    public void Constructor_ZeroCap_CountsEverythingAsDropped()
    {
        var sut = new CappedOutput(0);

        sut.Append("xyz"u8);

        Assert.Equal("", sut.Decode());
        Assert.Equal(3, sut.DroppedBytes);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data) => Memory = data;

        public Segment Append(byte[] data)
        {
            var next = new Segment(data) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
