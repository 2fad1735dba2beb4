using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Ports;

/// <summary>
/// One forward: a listener on the host's 127.0.0.1 whose accepted connections reach the sandbox port through a
/// tunnel in the sandbox (through <see cref="IProcessLauncher"/>, so every tier works the same): one long-lived
/// <see cref="TunnelMux"/> for all of them where the sandbox has python3, else one process per connection. The server
/// connects itself where it can: to 127.0.0.1 when the sandbox shares the host's network, or to the sandbox's own
/// address when the host routes to it (then the tunnel is only needed for servers that listen on the sandbox's
/// loopback alone). A failed connection is logged and counted; it never ends the forward.
/// </summary>
public sealed partial class PortForward : IAsyncDisposable
{
    // A container address answers in well under a millisecond; longer means it moved or stopped routing.
    private static readonly TimeSpan DirectConnectTimeout = TimeSpan.FromSeconds(1);
    private readonly BoundListener _bound;
    private readonly IProcessLauncher _launcher;
    private readonly TunnelKind _tunnel;
    private readonly IPAddress? _address;
    private readonly SandboxUse _use;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, (Socket Socket, Task Task)> _open = new();
    private readonly ByteCounter _toSandbox = new();
    private readonly ByteCounter _fromSandbox = new();
    private readonly Task _accepting;
    private readonly SharedTunnel? _mux;
    private long _connections;
    private long _direct;
    private long _tunnelled;
    private long _tunnelProcesses;
    private long _failed;
    private string? _lastError;
    private int _disposed;

    internal PortForward(string sandbox, int port, BoundListener bound, TunnelKind tunnel, IPAddress? address, IProcessLauncher launcher, SandboxUse use, ILogger logger, DateTimeOffset since)
    {
        _address = tunnel == TunnelKind.Direct ? null : address;
        Sandbox = sandbox;
        Port = port;
        _bound = bound;
        HostPort = bound.Port;
        _tunnel = tunnel;
        _launcher = launcher;
        _use = use;
        _logger = logger;
        Since = since;
        _mux = tunnel == TunnelKind.Python ? new SharedTunnel(launcher, port, $"{sandbox}:{port}", logger) : null;
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>The sandbox.</summary>
    public string Sandbox { get; }

    /// <summary>The port inside the sandbox.</summary>
    public int Port { get; }

    /// <summary>The port on the host's 127.0.0.1.</summary>
    public int HostPort { get; }

    /// <summary>When it started.</summary>
    public DateTimeOffset Since { get; }

    /// <summary>What it is doing now.</summary>
    public ForwardInfo Info() => new(
        Sandbox,
        Port,
        HostPort,
        $"http://127.0.0.1:{HostPort}/",
        _address is null
            ? TunnelCommand.Describe(_tunnel)
            : $"direct to the sandbox's address {_address}:{Port}; {TunnelCommand.Describe(_tunnel)} inside for a server on the sandbox's 127.0.0.1 only",
        _open.Count,
        Interlocked.Read(ref _connections),
        Interlocked.Read(ref _direct),
        Interlocked.Read(ref _tunnelled),
        _mux?.Started ?? Interlocked.Read(ref _tunnelProcesses),
        Interlocked.Read(ref _failed),
        _toSandbox.Value,
        _fromSandbox.Value,
        Volatile.Read(ref _lastError),
        Since);

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        // Off the caller's stack: expose returns as soon as the listener is up.
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _bound.Listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A client that gave up between SYN and accept; the listener itself is fine.
                LogAcceptFailed(ex, Sandbox, Port, HostPort);
                continue;
            }

            socket.NoDelay = true;
            var id = Interlocked.Increment(ref _connections);
            var task = ServeAsync(id, socket, cancellationToken);
            _open[id] = (socket, task);
            _ = task.ContinueWith(_ => _open.TryRemove(id, out var _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(long id, Socket socket, CancellationToken cancellationToken)
    {
        await Task.Yield();
        _use.Begin();
        ISandboxProcess? process = null;
        var failed = false;
        try
        {
            process = await OpenAsync(cancellationToken);
            var outcome = await ForwardConnection.RunAsync(socket, process, _toSandbox, _fromSandbox, cancellationToken);
            if (outcome.Error is { } error)
            {
                // Nothing came back, or the sandbox side broke (refused, reset, its tunnel died): a reset tells the
                // client at once, as a refused connection would, rather than an EOF that looks like a complete reply.
                failed = outcome.BytesFromSandbox == 0 || outcome.ExitCode is not 0;
                Fail(id, error);
            }
            else
            {
                LogConnectionEnded(Sandbox, Port, HostPort, id, outcome.BytesToSandbox, outcome.BytesFromSandbox);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // unexpose, destroy or shutdown: the socket is closed below.
        }
#pragma warning disable CA1031 // One connection's failure (engine client missing, sandbox gone) is logged and counted; the forward goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failed = true;
            Fail(id, ex.Message);
        }
        finally
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }

            Close(socket, reset: failed);
            _use.End();
        }
    }

    /// <summary>The sandbox end of one connection: the server's own socket where it can make one, else a tunnel process.</summary>
    private async Task<ISandboxProcess> OpenAsync(CancellationToken cancellationToken)
    {
        if (_tunnel == TunnelKind.Direct)
        {
            var loopback = await DirectTunnel.ConnectAsync(Port, cancellationToken);
            Interlocked.Increment(ref _direct);
            return loopback;
        }

        if (_address is not null && await DirectTunnel.TryConnectAsync(_address, Port, DirectConnectTimeout, cancellationToken) is { } direct)
        {
            Interlocked.Increment(ref _direct);
            return direct;
        }

        Interlocked.Increment(ref _tunnelled);
        if (_mux is not null)
        {
            return await _mux.OpenAsync(cancellationToken);
        }

        Interlocked.Increment(ref _tunnelProcesses);
        return await _launcher.StartAsync(new ProcessSpec(TunnelCommand.Argv(_tunnel, Port)), cancellationToken);
    }

    private void Fail(long id, string error)
    {
        Interlocked.Increment(ref _failed);
        Volatile.Write(ref _lastError, error);
        LogConnectionFailed(Sandbox, Port, HostPort, id, error);
    }

    private static void Close(Socket socket, bool reset)
    {
        try
        {
            if (reset)
            {
                socket.LingerState = new LingerOption(true, 0);
            }

            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone, or already closed by DisposeAsync while this connection was failing.
        }
    }

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        _bound.Listener.Stop();
        await _accepting;
        foreach (var (_, (socket, _)) in _open)
        {
            Close(socket, reset: false);
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await Task.WhenAll(_open.Values.Select(c => c.Task)).WaitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            LogCloseSlow(Sandbox, Port, HostPort);
        }

        if (_mux is not null)
        {
            await _mux.DisposeAsync();
        }

        _bound.Listener.Dispose();
        _stop.Dispose();
        LogStopped(Sandbox, Port, HostPort);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Forward {Sandbox}:{Port} <- 127.0.0.1:{HostPort}: connection {Id} ended ({Up} bytes in, {Down} bytes out)")]
    private partial void LogConnectionEnded(string sandbox, int port, int hostPort, long id, long up, long down);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forward {Sandbox}:{Port} <- 127.0.0.1:{HostPort}: connection {Id} failed: {Error}")]
    private partial void LogConnectionFailed(string sandbox, int port, int hostPort, long id, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forward {Sandbox}:{Port} <- 127.0.0.1:{HostPort}: accept failed")]
    private partial void LogAcceptFailed(Exception exception, string sandbox, int port, int hostPort);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forward {Sandbox}:{Port} <- 127.0.0.1:{HostPort}: connections did not close within 10 s")]
    private partial void LogCloseSlow(string sandbox, int port, int hostPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "Forward {Sandbox}:{Port} <- 127.0.0.1:{HostPort} stopped")]
    private partial void LogStopped(string sandbox, int port, int hostPort);
}
