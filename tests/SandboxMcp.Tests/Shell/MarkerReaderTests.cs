using System.IO.Pipelines;
using System.Text;
using SandboxMcp.Shell;

namespace SandboxMcp.Tests.Shell;

public sealed class MarkerReaderTests
{
    private static readonly byte[] Marker = "__MCP_abcdef__"u8.ToArray();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadUntil_MarkerMidLine_ReturnsTextBeforeItExactly()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("abc__MCP_abcdef__rest"), Ct);
        var sink = new CappedOutput(100);

        var found = await MarkerReader.ReadUntilAsync(pipe.Reader, Marker, sink, Ct);

        Assert.True(found);
        Assert.Equal("abc", sink.Decode());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(13)]
    public async Task ReadUntil_MarkerSplitAcrossWrites_IsStillFound(int chunk)
    {
        var pipe = new Pipe();
        var sink = new CappedOutput(100);
        var reading = MarkerReader.ReadUntilAsync(pipe.Reader, Marker, sink, Ct).AsTask();

        var data = Encoding.ASCII.GetBytes("out_put__MCP__MCP_abcdef__after");
        for (var i = 0; i < data.Length; i += chunk)
        {
            await pipe.Writer.WriteAsync(data.AsMemory(i, Math.Min(chunk, data.Length - i)), Ct);
        }

        Assert.True(await reading);
        Assert.Equal("out_put__MCP", sink.Decode());
        var rest = await pipe.Reader.ReadAsync(Ct);
        Assert.Equal("after", Encoding.ASCII.GetString(rest.Buffer));
    }

    [Fact]
    public async Task ReadUntil_StreamEndsWithoutMarker_ReturnsFalseWithEverythingRead()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("partial __MCP_abc"), Ct);
        await pipe.Writer.CompleteAsync();
        var sink = new CappedOutput(100);

        var found = await MarkerReader.ReadUntilAsync(pipe.Reader, Marker, sink, Ct);

        Assert.False(found);
        Assert.Equal("partial __MCP_abc", sink.Decode());
    }

    [Fact]
    public async Task ReadUntil_CancelPendingRead_ReturnsFalse()
    {
        var pipe = new Pipe();
        var sink = new CappedOutput(100);
        var reading = MarkerReader.ReadUntilAsync(pipe.Reader, Marker, sink, Ct).AsTask();

        pipe.Reader.CancelPendingRead();

        Assert.False(await reading);
    }

    [Fact]
    public async Task ReadUntil_FloodPastCap_KeepsCapAndFindsMarker()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19));
        var sink = new CappedOutput(1000);
        var reading = MarkerReader.ReadUntilAsync(pipe.Reader, Marker, sink, Ct).AsTask();

        var block = new byte[64 * 1024];
        Array.Fill(block, (byte)'y');
        for (var i = 0; i < 160; i++)
        {
            await pipe.Writer.WriteAsync(block, Ct);
        }

        await pipe.Writer.WriteAsync(Marker, Ct);

        Assert.True(await reading);
        Assert.Equal(1000, sink.KeptBytes);
        Assert.Equal((160L * 64 * 1024) - 1000, sink.DroppedBytes);
    }
}
