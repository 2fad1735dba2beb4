using System.IO.Pipes;
using System.Text;
using SandboxMcp.Shell;
using SandboxMcp.Common;

namespace SandboxMcp.Tests.Shell;

/// <summary>Reading a shell's output pipe on the calling thread or on the pipe's waiter, over real OS pipes.</summary>
public sealed class InlinePipeStreamTests : IDisposable
{
    private readonly AnonymousPipeServerStream _writer = new(PipeDirection.Out);
    private readonly AnonymousPipeClientStream _pipe;
    private readonly InlinePipeStream _stream;

    public InlinePipeStreamTests()
    {
        _pipe = new AnonymousPipeClientStream(PipeDirection.In, _writer.ClientSafePipeHandle);
        _stream = Assert.IsType<InlinePipeStream>(InlinePipeStream.Wrap(_pipe));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Write(string text)
    {
        _writer.Write(Encoding.ASCII.GetBytes(text));
        _writer.Flush();
    }

    [Fact]
    public async Task DataAlreadyThere_IsReadOnTheCallingThread()
    {
        Write("ready");
        var buffer = new byte[16];

        var read = _stream.ReadAsync(buffer, Ct);

        Assert.True(read.IsCompletedSuccessfully);
        Assert.Equal("ready", Encoding.ASCII.GetString(buffer, 0, await read));
    }

    [Fact]
    public async Task DataArrivingWithinTheWindow_CompletesTheReadOnTheCallingThread()
    {
        var buffer = new byte[16];
        using var reading = new ManualResetEventSlim();

        // A thread of its own: the test thread blocks in the window, and must not wait for a pool thread.
        var writer = new Thread(() =>
        {
            reading.Wait(Ct);
            Write("soon");
        });
        writer.Start();

        ValueTask<int> read;
        using (InlineReads.Open(TimeSpan.FromSeconds(30)))
        {
            reading.Set();
            read = _stream.ReadAsync(buffer, Ct);
        }

        Assert.True(read.IsCompletedSuccessfully);
        Assert.Equal("soon", Encoding.ASCII.GetString(buffer, 0, await read));
        writer.Join();
    }

    [Fact]
    public async Task DataArrivingLater_IsReadByTheWaiter()
    {
        var buffer = new byte[16];

        var read = _stream.ReadAsync(buffer, Ct);
        var pendingAtFirst = !read.IsCompleted;
        Write("later");

        Assert.True(pendingAtFirst);
        Assert.Equal("later", Encoding.ASCII.GetString(buffer, 0, await read.AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct)));
    }

    [Fact]
    public async Task WindowOpenOnAnotherThread_DoesNotMakeThisOneBlock()
    {
        var buffer = new byte[16];
        Task<int>? read = null;

        // No await inside the window: it belongs to this thread, and a continuation elsewhere would leak it.
        using (InlineReads.Open(TimeSpan.FromSeconds(30)))
        {
            var other = new Thread(() => read = _stream.ReadAsync(buffer, Ct).AsTask());
            other.Start();
            other.Join();
        }

        var pending = !read!.IsCompleted;
        Write("x");

        Assert.True(pending);
        Assert.Equal(1, await read.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task CancellingAWaitingRead_EndsItAtOnce_AndTheDataGoesToTheNextRead()
    {
        using var cancellation = new CancellationTokenSource();
        var first = new byte[16];
        var read = _stream.ReadAsync(first, cancellation.Token).AsTask();

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Write("kept");
        var second = new byte[16];
        var count = await _stream.ReadAsync(second, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("kept", Encoding.ASCII.GetString(second, 0, count));
        Assert.All(first, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task WriterClosing_EndsAWaitingReadWithZero()
    {
        var read = _stream.ReadAsync(new byte[16], Ct).AsTask();

        _writer.Dispose();

        Assert.Equal(0, await read.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public async Task Disposing_FailsAWaitingRead_InsteadOfLeavingItHanging()
    {
        var read = _stream.ReadAsync(new byte[16], Ct).AsTask();

        await _stream.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => read.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    [Fact]
    public void AStreamThatIsNotAPipe_IsLeftAsItIs()
    {
        using var memory = new MemoryStream();

        Assert.Same(memory, InlinePipeStream.Wrap(memory));
    }

    public void Dispose()
    {
        _stream.Dispose();
        _pipe.Dispose();
        _writer.Dispose();
    }
}
