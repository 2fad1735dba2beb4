using System.IO.Pipes;
using SandboxMcp.Common;

namespace SandboxMcp.Shell;

/// <summary>
/// A shell's output pipe read without the socket engine. A read that can complete at once, or within the calling
/// thread's <see cref="InlineReads"/> window, completes on the calling thread. A longer wait happens on this pipe's
/// own waiter thread (started on first need), so no pool thread blocks on a command and no thread is created per
/// read. The pipe is never registered with epoll, so the shell's writes wake only the thread that waits for them.
/// The pipe stays the process's to close; disposing this ends the waiter.
/// </summary>
internal sealed class InlinePipeStream(PipeStream pipe) : Stream
{
    /// <summary>How often the waiter looks whether it was disposed.</summary>
    private const int SliceMilliseconds = 250;
    private const int Pending = 0;
    private const int Reading = 1;
    private const int Abandoned = 2;

    private readonly SemaphoreSlim _requested = new(0);
    private Thread? _waiter;
    private Request? _request;
    private volatile bool _disposed;

    /// <summary>Wraps a pipe; any other stream (a test double, a socket) is returned as it is.</summary>
    public static Stream Wrap(Stream stream) => stream is PipeStream pipe ? new InlinePipeStream(pipe) : stream;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <remarks>One read at a time, as a <see cref="System.IO.Pipelines.PipeReader"/> reads.</remarks>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            cancellationToken.ThrowIfCancellationRequested();
            if (InlineReads.WaitReadable(pipe.SafePipeHandle, InlineReads.WindowMilliseconds()))
            {
                return ValueTask.FromResult(pipe.Read(buffer.Span));
            }
        }
#pragma warning disable CA1031 // Surfaced through the returned task, as an asynchronous read would.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ValueTask.FromException<int>(ex);
        }

        var request = new Request(buffer, cancellationToken);
        _request = request;
        EnsureWaiter();
        _requested.Release();
        return new ValueTask<int>(request.Done.Task);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // The descriptor may be non-blocking: wait for it rather than fail with EAGAIN.
        while (!InlineReads.WaitReadable(pipe.SafePipeHandle, Timeout.Infinite))
        {
        }

        return pipe.Read(buffer);
    }

    private void EnsureWaiter()
    {
        if (_waiter is null)
        {
            _waiter = new Thread(WaitLoop, maxStackSize: 256 * 1024) { IsBackground = true, Name = "shell-output" };
            _waiter.Start();
        }
    }

    private void WaitLoop()
    {
        while (true)
        {
            _requested.Wait();
            if (_disposed)
            {
                _request?.Done.TrySetException(new ObjectDisposedException(nameof(InlinePipeStream)));
                return;
            }

            Serve(_request!);
        }
    }

    private void Serve(Request request)
    {
        try
        {
            while (!InlineReads.WaitReadable(pipe.SafePipeHandle, SliceMilliseconds))
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (request.IsAbandoned)
                {
                    return;
                }
            }

            // Claim the buffer: a cancelled request has handed it back to its owner and must not be written.
            if (request.TryClaim())
            {
                request.Done.TrySetResult(pipe.Read(request.Buffer.Span));
            }
        }
#pragma warning disable CA1031 // Handed to the reader, as an asynchronous read would.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            request.Done.TrySetException(ex);
        }
        finally
        {
            request.Dispose();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _requested.Release();
        }

        base.Dispose(disposing);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>One read waiting on the waiter thread; cancelling it completes it at once.</summary>
    private sealed class Request : IDisposable
    {
        private readonly CancellationTokenRegistration _registration;
        private int _state = Pending;

        public Request(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            Buffer = buffer;
            _registration = cancellationToken.Register(() =>
            {
                if (Interlocked.CompareExchange(ref _state, Abandoned, Pending) == Pending)
                {
                    Done.TrySetCanceled(cancellationToken);
                }
            });
        }

        public Memory<byte> Buffer { get; }

        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsAbandoned => Volatile.Read(ref _state) == Abandoned;

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Reading, Pending) == Pending;

        public void Dispose() => _registration.Dispose();
    }
}
