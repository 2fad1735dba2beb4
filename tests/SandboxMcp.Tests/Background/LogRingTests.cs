using System.Text;
using SandboxMcp.Background;

namespace SandboxMcp.Tests.Background;

public sealed class LogRingTests
{
    private static LogRing CreateSut(int capacity = 1024) => new(capacity);

    private static void Write(LogRing ring, LogSource source, string text) => ring.Append(source, Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Read_WithinCapacity_ReturnsBothStreamsInArrivalOrder()
    {
        var ring = CreateSut();
        Write(ring, LogSource.Stdout, "one\n");
        Write(ring, LogSource.Stderr, "two\n");
        Write(ring, LogSource.Stdout, "three\n");

        var view = ring.Read(null, 100, 10_000);

        Assert.Equal("one\ntwo\nthree\n", view.Text);
        Assert.Equal(3, view.Lines);
        Assert.Equal(0, view.DroppedStdoutBytes + view.DroppedStderrBytes);
    }

    [Fact]
    public void Append_PastCapacity_DropsOldestChunksAndCountsThemPerStream()
    {
        var ring = CreateSut(capacity: 3 * (LogRing.ChunkOverhead + 10));
        Write(ring, LogSource.Stdout, "aaaaaaaaa\n");
        Write(ring, LogSource.Stderr, "bbbbbbbbb\n");
        Write(ring, LogSource.Stdout, "ccccccccc\n");

        Write(ring, LogSource.Stdout, "ddddddddd\n");
        Write(ring, LogSource.Stdout, "eeeeeeeee\n");

        var view = ring.Read(null, 100, 10_000);
        Assert.Equal("ccccccccc\nddddddddd\neeeeeeeee\n", view.Text);
        Assert.Equal(10, view.DroppedStdoutBytes);
        Assert.Equal(10, view.DroppedStderrBytes);
    }

    [Fact]
    public void Append_ChunkLargerThanTheRing_KeepsItsEndAndCountsTheRest()
    {
        var ring = CreateSut(capacity: LogRing.ChunkOverhead + 4);

        Write(ring, LogSource.Stdout, "0123456789");

        var view = ring.Read(null, 100, 10_000);
        Assert.Equal("6789", view.Text);
        Assert.Equal(6, view.DroppedStdoutBytes);
    }

    [Fact]
    public void Append_FloodOfTinyWrites_StaysWithinCapacity()
    {
        var ring = CreateSut(capacity: 64 * 1024);

        for (var i = 0; i < 100_000; i++)
        {
            ring.Append(LogSource.Stdout, "x"u8);
        }

        Assert.True(ring.Size <= 64 * 1024, $"{ring.Size} bytes held");
        var view = ring.Read(null, 1, 100_000);
        Assert.Equal(100_000 - view.Text.Length, view.DroppedStdoutBytes);
    }

    [Fact]
    public void Read_OneStream_KeepsSupervisorNotes()
    {
        var ring = CreateSut();
        Write(ring, LogSource.Stdout, "out\n");
        Write(ring, LogSource.Stderr, "err\n");
        ring.Note("restarting in 1 s");

        Assert.Equal("out\n[sandbox-mcp] restarting in 1 s\n", ring.Read(LogSource.Stdout, 100, 10_000).Text);
        Assert.Equal("err\n[sandbox-mcp] restarting in 1 s\n", ring.Read(LogSource.Stderr, 100, 10_000).Text);
    }

    [Fact]
    public void Read_PartialLineFollowedByOtherStream_EndsTheLineThere()
    {
        var ring = CreateSut();
        Write(ring, LogSource.Stdout, "Serving on port 8000");
        Write(ring, LogSource.Stderr, "warning\n");
        Write(ring, LogSource.Stdout, "...\n");

        Assert.Equal("Serving on port 8000\nwarning\n...\n", ring.Read(null, 100, 10_000).Text);
        Assert.Equal("Serving on port 8000...\n", ring.Read(LogSource.Stdout, 100, 10_000).Text);
    }

    [Fact]
    public void Read_Tail_ReturnsTheLastLinesAndCountsTheOthers()
    {
        var ring = CreateSut();
        Write(ring, LogSource.Stdout, "1\n2\n3\n4\n5");

        var view = ring.Read(null, 2, 10_000);

        Assert.Equal("4\n5", view.Text);
        Assert.Equal(2, view.Lines);
        Assert.Equal(3, view.OmittedLines);
    }

    [Fact]
    public void Read_LinesPastMaxBytes_AreLeftOut()
    {
        var ring = CreateSut();
        Write(ring, LogSource.Stdout, "aaaa\nbbbb\ncccc\n");

        var view = ring.Read(null, 100, 11);

        Assert.Equal("bbbb\ncccc\n", view.Text);
        Assert.Equal(1, view.OmittedLines);
    }

    [Fact]
    public void Read_OneLineLongerThanMaxBytes_KeepsItsEnd()
    {
        var ring = CreateSut();
        Write(ring, LogSource.Stdout, "0123456789");

        Assert.Equal("789", ring.Read(null, 100, 3).Text);
    }

    [Fact]
    public void Read_Empty_HasNoLines()
    {
        var view = CreateSut().Read(null, 10, 100);

        Assert.Equal("", view.Text);
        Assert.Equal(0, view.Lines);
        Assert.Equal(0, view.OmittedLines);
    }
}
