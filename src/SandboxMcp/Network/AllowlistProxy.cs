using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace SandboxMcp.Network;

/// <summary>
/// The filtering HTTP proxy of one sandbox: CONNECT tunnels and absolute-URI HTTP requests to the hosts its
/// allowlist names, 403 for every other host. One listener per sandbox, so the socket a connection arrives on says
/// whose allowlist applies: a unix socket bound into that sandbox only (bubblewrap), or 127.0.0.1 on an ephemeral port
/// (Seatbelt, whose profile lets the sandbox reach that port only).
/// </summary>
public sealed class AllowlistProxy : IAsyncDisposable
{
    /// <summary>Connections served at once; more are answered 503, so a sandbox cannot exhaust the server's sockets.</summary>
    public const int MaxConnections = 256;

    private readonly Socket _listener;
    private readonly ProxySettings _settings;
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private readonly string? _socketPath;

    private AllowlistProxy(Socket listener, ProxySettings settings, string? socketPath = null)
    {
        _listener = listener;
        _settings = settings;
        _socketPath = socketPath;
        LocalEndPoint = listener.LocalEndPoint!;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>What it has done so far.</summary>
    public ProxyCounters Counters => _settings.Counters;

    /// <summary>Where it listens (a unix socket path, or 127.0.0.1:port).</summary>
    public EndPoint LocalEndPoint { get; }

    /// <summary>The TCP port, for a loopback listener.</summary>
    public int? Port => LocalEndPoint is IPEndPoint ip ? ip.Port : null;

    /// <summary>Listens on a unix socket at <paramref name="path"/> (mode 0600), replacing a stale file.</summary>
    public static AllowlistProxy ListenUnix(string path, string sandbox, HostAllowlist allowlist, ILogger logger, TimeSpan? headTimeout = null)
    {
        var socket = Common.UnixSocketListener.Listen(path);
        return new AllowlistProxy(socket, Settings(sandbox, allowlist, logger, headTimeout), path);
    }

    /// <summary>Listens on 127.0.0.1, on <paramref name="preferredPort"/> when it is free, else on a port the system picks.</summary>
    public static AllowlistProxy ListenLoopback(string sandbox, HostAllowlist allowlist, ILogger logger, TimeSpan? headTimeout = null, int preferredPort = 0)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, preferredPort));
            }
            catch (SocketException) when (preferredPort != 0)
            {
                socket.Dispose();
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }

            socket.Listen(128);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new AllowlistProxy(socket, Settings(sandbox, allowlist, logger, headTimeout));
    }

    /// <summary>Stops listening and ends every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener.Dispose();
        await _accepting;
        if (_socketPath is not null)
        {
            File.Delete(_socketPath);
        }

        _stopping.Dispose();
    }

    private static ProxySettings Settings(string sandbox, HostAllowlist allowlist, ILogger logger, TimeSpan? headTimeout)
    {
        var settings = new ProxySettings(sandbox, allowlist, new ProxyCounters(), logger);
        return headTimeout is { } timeout ? settings with { HeadTimeout = timeout } : settings;
    }

    private Task AcceptLoopAsync() =>
        Common.BoundedAccept.RunAsync(_listener, _slots, client => ServeAsync(client, _stopping.Token), RefuseAsync, _stopping.Token);

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        try
        {
            await ProxyConnection.RunAsync(client, _settings, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The proxy is stopping.
        }
        finally
        {
            _slots.Release();
        }
    }

    private static async Task RefuseAsync(Socket client)
    {
        using (client)
        {
            try
            {
                await client.SendAsync(ProxyResponses.Text(503, $"more than {MaxConnections} connections at once: close some and retry"), SocketFlags.None);
            }
            catch (SocketException)
            {
                // Gone already.
            }
        }
    }
}
