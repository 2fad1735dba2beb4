using System.Buffers;
using System.IO.Pipelines;
using SandboxMcp.Ports;

namespace SandboxMcp.Tests.Ports;

public sealed class BytePumpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 15000)]
    public async Task CopyAsync_SourceEnds_CopiesEverythingInOrderAndCompletesTheTarget()
    {
        var source = new Pipe();
        var target = new Pipe();
        var parent = new ByteCounter();
        var counter = new ByteCounter(parent);
        var data = new byte[1_000_000];
        Random.Shared.NextBytes(data);

        var copy = BytePump.CopyAsync(source.Reader, target.Writer, counter, Ct);
        var read = ReadAllAsync(target.Reader);
        for (var offset = 0; offset < data.Length; offset += 7000)
        {
            await source.Writer.WriteAsync(data.AsMemory(offset, Math.Min(7000, data.Length - offset)), Ct);
        }

        await source.Writer.CompleteAsync();
        var copied = await copy;

        Assert.Equal(data, await read);
        Assert.Equal(data.Length, copied);
        Assert.Equal(data.Length, counter.Value);
        Assert.Equal(data.Length, parent.Value);
    }

    [Fact(Timeout = 15000)]
    public async Task CopyAsync_SourceFails_CompletesTheTargetWithTheError()
    {
        var source = new Pipe();
        var target = new Pipe();

        var copy = BytePump.CopyAsync(source.Reader, target.Writer, new ByteCounter(), Ct);
        await source.Writer.CompleteAsync(new IOException("reset"));

        await Assert.ThrowsAsync<IOException>(() => copy);
        await Assert.ThrowsAsync<IOException>(async () => await target.Reader.ReadAsync(Ct));
    }

    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        var all = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync(Ct);
            foreach (var segment in result.Buffer)
            {
                all.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.ToArray();
            }
        }
    }
}
