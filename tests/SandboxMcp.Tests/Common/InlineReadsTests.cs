using System.IO.Pipes;
using SandboxMcp.Common;

namespace SandboxMcp.Tests.Common;

/// <summary>Inline waits on a thread that serves others give way to its input, over real OS pipes.</summary>
public sealed class InlineReadsTests : IDisposable
{
    private readonly AnonymousPipeServerStream _shellWrites = new(PipeDirection.Out);
    private readonly AnonymousPipeClientStream _shellOutput;
    private readonly AnonymousPipeServerStream _clientWrites = new(PipeDirection.Out);
    private readonly AnonymousPipeClientStream _input;

    public InlineReadsTests()
    {
        _shellOutput = new AnonymousPipeClientStream(PipeDirection.In, _shellWrites.ClientSafePipeHandle);
        _input = new AnonymousPipeClientStream(PipeDirection.In, _clientWrites.ClientSafePipeHandle);
    }

    [Fact]
    public void OutsideAWindow_NothingWaits()
    {
        Assert.False(InlineReads.WaitReadable(_shellOutput.SafePipeHandle, InlineReads.WindowMilliseconds()));
    }

    [Fact]
    public void OutputInTheWindow_IsReadable()
    {
        _shellWrites.WriteByte(1);
        _shellWrites.Flush();

        using (InlineReads.Open(TimeSpan.FromSeconds(60)))
        {
            Assert.True(InlineReads.WaitReadable(_shellOutput.SafePipeHandle, InlineReads.WindowMilliseconds()));
        }
    }

    [Fact(Timeout = 30_000)]
    public void AMessageAlreadyBuffered_OpensNoWindow()
    {
        using (InlineReads.YieldTo(_input.SafePipeHandle, pending: true))
        using (InlineReads.Open(TimeSpan.FromSeconds(60)))
        {
            Assert.Equal(0, InlineReads.WindowMilliseconds());
            Assert.False(InlineReads.WaitReadable(_shellOutput.SafePipeHandle, InlineReads.WindowMilliseconds()));
        }
    }

    [Fact(Timeout = 30_000)]
    public void AMessageArriving_EndsTheWait_AndClosesTheWindow()
    {
        // Were the input ignored, the wait would last the whole minute and the test time out.
        var client = new Thread(() =>
        {
            _clientWrites.WriteByte((byte)'{');
            _clientWrites.Flush();
        });

        using (InlineReads.YieldTo(_input.SafePipeHandle, pending: false))
        using (InlineReads.Open(TimeSpan.FromSeconds(60)))
        {
            client.Start();
            var readable = InlineReads.WaitReadable(_shellOutput.SafePipeHandle, InlineReads.WindowMilliseconds());

            Assert.False(readable);
            Assert.Equal(0, InlineReads.WindowMilliseconds());
        }

        client.Join();
    }

    [Fact]
    public void ClosingTheWindow_RestoresTheOuterOne()
    {
        using (InlineReads.Open(TimeSpan.FromSeconds(60)))
        {
            using (InlineReads.Open(TimeSpan.Zero))
            {
                Assert.Equal(0, InlineReads.WindowMilliseconds());
            }

            Assert.True(InlineReads.WindowMilliseconds() > 0);
        }

        Assert.Equal(0, InlineReads.WindowMilliseconds());
    }

    public void Dispose()
    {
        _shellOutput.Dispose();
        _shellWrites.Dispose();
        _input.Dispose();
        _clientWrites.Dispose();
    }
}
