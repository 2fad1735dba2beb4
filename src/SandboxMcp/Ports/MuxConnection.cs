using System.Buffers;
using System.IO.Pipelines;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Ports;

/// <summary>
/// One connection carried by a <see cref="TunnelMux"/>, shaped as a tunnel process so that
/// <see cref="ForwardConnection"/> drives it like any other: writing stdin sends DATA within the credit the sandbox
/// granted (and waits for more), disposing stdin sends EOF; stdout yields the sandbox's DATA until its EOF, and
/// throws <see cref="TunnelResetException"/> at a RESET or when the mux died. It "exits" 0 when both directions
/// ended, 1 when it failed.
/// </summary>
internal sealed class MuxConnection : ISandboxProcess
{
    private readonly TunnelMux _mux;
    private readonly Lock _gate = new();

    // No pause threshold: the sandbox never has more than one window unread here, and the mux's reader must never wait.
    private readonly Pipe _received = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _creditGranted;
    private int _sendCredit = MuxProtocol.Window;
    private int _receivable = MuxProtocol.Window;
    private int _consumed;
    private bool _sentEof;
    private bool _gotEof;
    private bool _ended;

    public MuxConnection(TunnelMux mux, uint id)
    {
        _mux = mux;
        Id = id;
        StandardInput = new MuxWriteStream(this);
        StandardOutput = new MuxReadStream(this, _received.Reader);
    }

    /// <summary>The channel number.</summary>
    public uint Id { get; }

    /// <inheritdoc />
    public int LocalId => _mux.LocalId;

    /// <inheritdoc />
    public Stream StandardInput { get; }

    /// <inheritdoc />
    public Stream StandardOutput { get; }

    /// <inheritdoc />
    public Stream StandardError => Stream.Null;

    /// <summary>Bytes the sandbox sent that the stdout reader has not taken yet: never more than <see cref="MuxProtocol.Window"/>.</summary>
    public int Unread
    {
        get
        {
            lock (_gate)
            {
                return MuxProtocol.Window - _receivable - _consumed;
            }
        }
    }

    /// <inheritdoc />
    public bool HasExited => _exit.Task.IsCompleted;

    /// <inheritdoc />
    public Task<int> WaitForExitAsync(CancellationToken cancellationToken) => _exit.Task.WaitAsync(cancellationToken);

    /// <summary>Sends <paramref name="data"/> as DATA frames, waiting for credit when the window is used up.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var n = await TakeCreditAsync(Math.Min(data.Length, MuxProtocol.Chunk), cancellationToken);
            _mux.Send(MuxFrameType.Data, Id, data.Span[..n]);
            data = data[n..];
        }
    }

    private async ValueTask<int> TakeCreditAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task granted;
            lock (_gate)
            {
                if (_ended || _sentEof)
                {
                    throw new IOException("the connection in the sandbox has ended");
                }

                if (_sendCredit > 0)
                {
                    var n = Math.Min(wanted, _sendCredit);
                    _sendCredit -= n;
                    return n;
                }

                _creditGranted ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                granted = _creditGranted.Task;
            }

            await granted.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The client's side ended: EOF to the sandbox (once).</summary>
    public void SendEof()
    {
        lock (_gate)
        {
            if (_ended || _sentEof)
            {
                return;
            }

            _sentEof = true;
            _mux.Send(MuxFrameType.Eof, Id, default);
            if (_gotEof)
            {
                End(0, null);
            }
        }
    }

    /// <summary>The stdout reader took <paramref name="count"/> bytes: grant them back once a chunk's worth piled up.</summary>
    public void Consumed(int count)
    {
        lock (_gate)
        {
            _consumed += count;
            if (_consumed < MuxProtocol.Chunk || _ended || _gotEof)
            {
                return;
            }

            _receivable += _consumed;
            Span<byte> credit = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(credit, (uint)_consumed);
            _mux.Send(MuxFrameType.Window, Id, credit);
            _consumed = 0;
        }
    }

    /// <summary>DATA from the sandbox; more than the credit it had breaks the protocol.</summary>
    public void Receive(in MuxFrame frame)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            if (frame.Payload.Length > _receivable)
            {
                throw new InvalidDataException($"channel {Id} sent {frame.Payload.Length} bytes with {_receivable} of credit");
            }

            _receivable -= (int)frame.Payload.Length;
            foreach (var segment in frame.Payload)
            {
                _received.Writer.Write(segment.Span);
            }

            // Never waits (no pause threshold), so it is safe under the lock.
            var flushed = _received.Writer.FlushAsync();
            if (!flushed.IsCompleted)
            {
                throw new InvalidOperationException("A pipe without a pause threshold flushed asynchronously.");
            }

            _ = flushed.Result;
        }
    }

    /// <summary>The sandbox's side ended.</summary>
    public void ReceiveEof()
    {
        lock (_gate)
        {
            if (_ended || _gotEof)
            {
                return;
            }

            _gotEof = true;
            _received.Writer.Complete();
            if (_sentEof)
            {
                End(0, null);
            }
        }
    }

    /// <summary>The sandbox granted more credit.</summary>
    public void Grant(int credit)
    {
        lock (_gate)
        {
            _sendCredit += credit;
            if (_sendCredit > MuxProtocol.Window)
            {
                throw new InvalidDataException($"channel {Id} was granted {_sendCredit} bytes of credit (at most {MuxProtocol.Window})");
            }

            _creditGranted?.TrySetResult();
            _creditGranted = null;
        }
    }

    /// <summary>The connection failed in the sandbox, or the mux died: stdout throws <paramref name="reason"/>, exit 1.</summary>
    public void Fail(string reason)
    {
        lock (_gate)
        {
            End(1, new TunnelResetException(reason));
        }
    }

    /// <inheritdoc />
    public void Kill() => Abandon(137);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Abandon(0);
        _mux.Forget(Id);
        return ValueTask.CompletedTask;
    }

    /// <summary>Ends it from the host side: the sandbox is told to drop the channel unless it already ended.</summary>
    private void Abandon(int exitCode)
    {
        lock (_gate)
        {
            if (!_ended)
            {
                _mux.Send(MuxFrameType.Close, Id, default);
                End(exitCode, null);
            }
        }
    }

    private void End(int exitCode, Exception? error)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        if (error is not null || !_gotEof)
        {
            _received.Writer.Complete(error);
        }

        _creditGranted?.TrySetResult();
        _creditGranted = null;
        _exit.TrySetResult(exitCode);
    }
}
