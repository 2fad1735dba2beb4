using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Ports;

/// <summary>
/// The sandbox end of a connection made by the server itself, without a process in the sandbox: to 127.0.0.1:PORT
/// when the sandbox shares the host's network namespace (native), which is exactly what a tunnel process there
/// would make, or to the sandbox's own address when the host routes to it (a container on a bridge). It is shaped
/// as a tunnel process so that <see cref="ForwardConnection"/> stays one code path: stdin is the socket's send side
/// (disposing it sends FIN), stdout its receive side, and it "exits" once the send side is closed.
/// </summary>
internal sealed class DirectTunnel : ISandboxProcess
{
    private readonly Socket _socket;
    private readonly NetworkStream _network;
    private readonly TaskCompletionSource<int> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DirectTunnel(Socket socket)
    {
        _socket = socket;
        _network = new NetworkStream(socket, ownsSocket: false);
        StandardInput = new HalfCloseStream(_network, () =>
        {
            ShutdownSend();
            _ended.TrySetResult(0);
        });
    }

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>; a refusal says so with the port.</summary>
    public static async Task<DirectTunnel> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = NewSocket();
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return new DirectTunnel(socket);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new SandboxException(string.Create(CultureInfo.InvariantCulture, $"connect to 127.0.0.1:{port} failed: {ex.Message} (is anything listening on that port in the sandbox?)"), ex);
        }
    }

    /// <summary>
    /// Connects to the sandbox's own <paramref name="address"/>; null when that is refused (a server listening only on
    /// the sandbox's 127.0.0.1), unreachable or slower than <paramref name="timeout"/>, so the caller can go through a
    /// process inside the sandbox instead.
    /// </summary>
    public static async Task<DirectTunnel?> TryConnectAsync(IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken) =>
        await ConnectWithinAsync(address, port, timeout, cancellationToken) is (Socket socket, _) ? new DirectTunnel(socket) : null;

    /// <summary>
    /// Whether the host routes to <paramref name="address"/>: a connection to <paramref name="port"/> there is
    /// accepted or refused (either way something answered), rather than timing out or finding no route.
    /// </summary>
    public static async Task<bool> IsRoutedAsync(IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (socket, error) = await ConnectWithinAsync(address, port, timeout, cancellationToken);
        socket?.Dispose();
        return socket is not null || error == SocketError.ConnectionRefused;
    }

    /// <summary>A connected socket, or why there is none (<see cref="SocketError.TimedOut"/> when the time ran out).</summary>
    private static async Task<(Socket? Socket, SocketError Error)> ConnectWithinAsync(IPAddress address, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = NewSocket();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(address, port, limit.Token);
            return (socket, SocketError.Success);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            return (null, ex.SocketErrorCode);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return (null, SocketError.TimedOut);
        }
    }

    private static Socket NewSocket() => new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    /// <inheritdoc />
    public int LocalId => Environment.ProcessId;

    /// <inheritdoc />
    public Stream StandardInput { get; }

    /// <inheritdoc />
    public Stream StandardOutput => _network;

    /// <inheritdoc />
    public Stream StandardError => Stream.Null;

    /// <inheritdoc />
    public bool HasExited => _ended.Task.IsCompleted;

    /// <inheritdoc />
    public Task<int> WaitForExitAsync(CancellationToken cancellationToken) => _ended.Task.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public void Kill()
    {
        _ended.TrySetResult(137);
        _socket.Close();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _ended.TrySetResult(0);
        _network.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private void ShutdownSend()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The server already reset or the connection was closed: nothing left to half-close.
        }
    }
}
