using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SandboxMcp.Runtimes;
using SandboxMcp.Shell;

namespace SandboxMcp.Ports;

/// <summary>
/// One long-lived <see cref="MuxScript"/> process in the sandbox (started through <see cref="IProcessLauncher"/>, so
/// every tier works the same) carrying many connections to 127.0.0.1:PORT there, framed by <see cref="MuxProtocol"/>.
/// Frames to the sandbox go through one queue and one writer (so a frame is never interleaved with another); frames
/// from it are read by one loop that never waits for a connection (credit bounds what each may have buffered). When
/// the process ends or breaks the protocol, every connection on it fails and <see cref="IsAlive"/> turns false.
/// </summary>
public sealed partial class TunnelMux : IAsyncDisposable
{
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);
    private readonly ISandboxProcess _process;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly Channel<Outgoing> _outgoing = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<uint, MuxConnection> _connections = new();
    private readonly CappedOutput _stderr = new(4096);
    private readonly Task _readingErrors;
    private readonly Task _writing;
    private readonly Task _reading;
    private string? _failure;
    private uint _nextId;
    private volatile bool _disposing;
    private volatile bool _outputEnded;

    private TunnelMux(ISandboxProcess process, string name, ILogger logger)
    {
        _process = process;
        _name = name;
        _logger = logger;
        _readingErrors = ProcessRunner.DrainQuietlyAsync(_process.StandardError, _stderr);
        _writing = WriteAsync();
        _reading = ReadAsync();
    }

    /// <summary>Starts the mux for <c>127.0.0.1:<paramref name="port"/></c> in the sandbox; <paramref name="name"/> names it in logs.</summary>
    public static async Task<TunnelMux> StartAsync(IProcessLauncher launcher, int port, string name, ILogger logger, CancellationToken cancellationToken)
    {
        var process = await launcher.StartAsync(new ProcessSpec(MuxScript.Argv(port)), cancellationToken);
        var mux = new TunnelMux(process, name, logger);
        mux.LogStarted(name, process.LocalId);
        return mux;
    }

    /// <summary>False once the process ended or failed; its connections have failed, and a new mux is needed.</summary>
    public bool IsAlive => !_outputEnded && Volatile.Read(ref _failure) is null;

    /// <summary>Why it is not alive, or null.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>The process id of the local end.</summary>
    public int LocalId => _process.LocalId;

    /// <summary>Connections open on it now.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>Opens a new connection to the sandbox port; a refused connect arrives as a reset on it.</summary>
    public ISandboxProcess Open()
    {
        var connection = new MuxConnection(this, Interlocked.Increment(ref _nextId));
        _connections[connection.Id] = connection;
        Send(MuxFrameType.Open, connection.Id, default);
        if (Failure is { } failure)
        {
            // Died before (or while) the connection was registered; its sweep may have missed it.
            connection.Fail(failure);
        }

        return connection;
    }

    /// <summary>Queues a frame for the sandbox (the payload is copied); dropped when the mux has ended.</summary>
    internal void Send(MuxFrameType type, uint channel, ReadOnlySpan<byte> payload)
    {
        byte[]? copy = null;
        if (!payload.IsEmpty)
        {
            copy = ArrayPool<byte>.Shared.Rent(payload.Length);
            payload.CopyTo(copy);
        }

        if (!_outgoing.Writer.TryWrite(new Outgoing(type, channel, copy, payload.Length)) && copy is not null)
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>A connection was disposed: frames for it that still arrive are dropped.</summary>
    internal void Forget(uint channel) => _connections.TryRemove(channel, out _);

    private async Task WriteAsync()
    {
        var writer = PipeWriter.Create(_process.StandardInput, new StreamPipeWriterOptions(minimumBufferSize: MuxProtocol.Chunk + MuxProtocol.HeaderSize, leaveOpen: true));
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync())
            {
                // Everything queued goes out in one flush: many small frames cost one write.
                while (writer.UnflushedBytes < MuxProtocol.Window && _outgoing.Reader.TryRead(out var frame))
                {
                    MuxProtocol.WriteHeader(writer.GetSpan(MuxProtocol.HeaderSize), frame.Type, frame.Channel, frame.Length);
                    writer.Advance(MuxProtocol.HeaderSize);
                    if (frame.Payload is { } payload)
                    {
                        writer.Write(payload.AsSpan(0, frame.Length));
                        ArrayPool<byte>.Shared.Return(payload);
                    }
                }

                if ((await writer.FlushAsync()).IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // It no longer reads its input, so nothing sent on any connection can arrive: end it.
            Die("the multiplexed tunnel process stopped taking input: " + ex.Message);
            _process.Kill();
        }
        finally
        {
            // The end of stdin ends the process in the sandbox, and with it every socket it holds.
            await CloseStdinAsync(writer);
        }
    }

    private async Task ReadAsync()
    {
        var reader = PipeReader.Create(_process.StandardOutput, new StreamPipeReaderOptions(bufferSize: MuxProtocol.Chunk + MuxProtocol.HeaderSize, minimumReadSize: 4096, leaveOpen: true));
        string reason;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                try
                {
                    while (MuxProtocol.TryRead(ref buffer, out var frame))
                    {
                        Dispatch(frame);
                    }

                    if (result.IsCompleted)
                    {
                        reason = buffer.IsEmpty ? "ended" : "ended in the middle of a frame";
                        break;
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            reason = "broke the protocol: " + ex.Message;
            _process.Kill();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            reason = "could not be read: " + ex.Message;
        }
        finally
        {
            // No new connection should wait on it while its exit code and stderr are collected.
            _outputEnded = true;
            await reader.CompleteAsync();
        }

        await EndedAsync(reason);
    }

    private void Dispatch(in MuxFrame frame)
    {
        if (frame.Type is MuxFrameType.Open or MuxFrameType.Close)
        {
            throw new InvalidDataException($"{frame.Type} frame from the sandbox (only the host sends it)");
        }

        var credit = frame.Type == MuxFrameType.Window ? MuxProtocol.ReadCredit(frame) : 0;
        if (!_connections.TryGetValue(frame.Channel, out var connection))
        {
            // Already disposed here: the sandbox had not yet seen our CLOSE.
            return;
        }

        switch (frame.Type)
        {
            case MuxFrameType.Data:
                connection.Receive(frame);
                break;
            case MuxFrameType.Eof:
                connection.ReceiveEof();
                break;
            case MuxFrameType.Reset:
                connection.Fail(System.Text.Encoding.UTF8.GetString(frame.Payload.ToArray()));
                break;
            default:
                connection.Grant(credit);
                break;
        }
    }

    /// <summary>The process's stdout ended or broke: say why with its exit code and stderr, and fail its connections.</summary>
    private async Task EndedAsync(string reason)
    {
        int? exitCode = null;
        using (var grace = new CancellationTokenSource(ExitGrace))
        {
            try
            {
                exitCode = await _process.WaitForExitAsync(grace.Token);
                await _readingErrors.WaitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        var stderr = _stderr.Decode().Trim();
        var exit = exitCode is { } code ? string.Create(CultureInfo.InvariantCulture, $" (exit {code})") : "";
        Die($"the multiplexed tunnel process {reason}{exit}{(stderr.Length > 0 ? ": " + stderr : "")}");
    }

    /// <summary>Marks the mux dead (the first reason wins), fails every connection on it and stops the writer.</summary>
    private void Die(string reason)
    {
        if (Interlocked.CompareExchange(ref _failure, reason, null) is null && !_disposing)
        {
            LogDied(_name, reason);
        }

        _outgoing.Writer.TryComplete();
        foreach (var connection in _connections.Values)
        {
            connection.Fail(Failure!);
        }
    }

    private async Task CloseStdinAsync(PipeWriter writer)
    {
        // Completing flushes what is left, and either step fails when the process is gone already.
        foreach (var close in new Func<ValueTask>[] { () => writer.CompleteAsync(), () => _process.StandardInput.DisposeAsync() })
        {
            try
            {
                await close();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // Nothing more can reach it.
            }
        }
    }

    /// <summary>Ends the process (its stdin closes; it exits and closes every socket) and fails what is still open on it.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        Die("the forward ended");
        await _writing;
        using (var grace = new CancellationTokenSource(ExitGrace))
        {
            try
            {
                await _reading.WaitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _reading;
            }
        }

        await _process.DisposeAsync();
    }

    private readonly record struct Outgoing(MuxFrameType Type, uint Channel, byte[]? Payload, int Length);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tunnel for {Name} started: one python3 process (local pid {Pid}) carries every connection")]
    private partial void LogStarted(string name, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tunnel for {Name} failed: {Reason}")]
    private partial void LogDied(string name, string reason);
}
