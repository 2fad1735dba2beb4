using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SandboxMcp.Common;

namespace SandboxMcp.Ports;

/// <summary>A listener bound on the host for a forward, and why its port is not the one asked for (null when it is).</summary>
/// <param name="Listener">Started, on 127.0.0.1.</param>
/// <param name="Reason">Why this host port was chosen instead of the sandbox port's own number.</param>
public sealed record BoundListener(TcpListener Listener, string? Reason)
{
    /// <summary>The host port it listens on.</summary>
    public int Port => ((IPEndPoint)Listener.LocalEndpoint).Port;
}

/// <summary>
/// Picks and binds a host port on 127.0.0.1 only. An explicit port is taken or refused, never shared (no
/// SO_REUSEPORT); without one, the sandbox port's own number, or the next free one above it. Privileged ports
/// (below 1024) are never chosen automatically, whoever runs the server: port 80 is served on 8080.
/// </summary>
public static class HostPortBinder
{
    /// <summary>How many ports above the preferred one are tried before giving up.</summary>
    public const int SearchSpan = 100;

    /// <summary>Listen backlog: 100 clients connecting at once must not be refused.</summary>
    private const int Backlog = 512;

    /// <summary>Throws unless <paramref name="value"/> is a TCP port number (1-65535).</summary>
    public static int Validate(int value, string parameter) =>
        value is >= 1 and <= IPEndPoint.MaxPort
            ? value
            : throw new SandboxException($"Invalid {parameter} {value}: give a TCP port from 1 to 65535 (e.g. 8000).");

    /// <summary>The host port tried first for sandbox port <paramref name="port"/>: the same number, or 8000 + port below 1024.</summary>
    public static int Preferred(int port) => port < 1024 ? 8000 + port : port;

    /// <summary>
    /// Binds a listener for sandbox port <paramref name="port"/> on <paramref name="hostPort"/>, or on a free port
    /// chosen as described. When the sandbox shares the host's network (<paramref name="sharedNetwork"/>), its port
    /// is the host's own: the same number would forward to itself, so it is skipped or refused.
    /// </summary>
    public static BoundListener Bind(int port, int? hostPort, bool sharedNetwork)
    {
        if (hostPort == port && sharedNetwork)
        {
            throw new SandboxException($"The sandbox shares the host's network, so host port {port} is its own port {port}: a forward there would connect to itself. A server listening on 127.0.0.1 or 0.0.0.0 in it is already reachable at 127.0.0.1:{port}; to forward anyway, choose another host_port or leave it out.");
        }

        if (hostPort is { } requested)
        {
            return TryListen(requested, out var listener, out var error)
                ? new BoundListener(listener, null)
                : throw new SandboxException(error switch
                {
                    SocketError.AddressAlreadyInUse => $"Host port {requested} is already in use on 127.0.0.1 by another program: choose another host_port, or leave it out to get a free one.",
                    SocketError.AccessDenied => $"Host port {requested} is privileged (below 1024) and this server may not listen on it (that needs root or CAP_NET_BIND_SERVICE): leave host_port out to get {Preferred(port)} or the next free port.",
                    _ => $"Could not listen on 127.0.0.1:{requested} ({error}): choose another host_port.",
                });
        }

        var first = Preferred(port);
        var last = Math.Min(IPEndPoint.MaxPort, first + SearchSpan);
        for (var candidate = first; candidate <= last; candidate++)
        {
            if (candidate == port && sharedNetwork)
            {
                continue;
            }

            if (TryListen(candidate, out var listener, out _))
            {
                return new BoundListener(listener, Reason(port, first, candidate, sharedNetwork));
            }
        }

        throw new SandboxException($"No free host port between {first} and {last} on 127.0.0.1: give host_port explicitly.");
    }

    /// <summary>Says why <paramref name="chosen"/> differs from <paramref name="port"/>; null when it does not.</summary>
    internal static string? Reason(int port, int first, int chosen, bool sharedNetwork)
    {
        if (chosen == port)
        {
            return null;
        }

        if (sharedNetwork && first == port)
        {
            var busy = chosen - port > 1 ? string.Create(CultureInfo.InvariantCulture, $"; {port + 1} to {chosen - 1} were in use") : "";
            return string.Create(CultureInfo.InvariantCulture, $"the sandbox shares the host's network, so its port {port} is already 127.0.0.1:{port} on the host (when it listens there) and the forward takes {chosen}{busy}");
        }

        var privileged = first != port
            ? string.Create(CultureInfo.InvariantCulture, $"host ports below 1024 are never chosen automatically, so port {port} is served from {first} upwards")
            : null;
        var taken = chosen != first
            ? string.Create(CultureInfo.InvariantCulture, $"host port {first}{(chosen - first > 1 ? $" to {chosen - 1}" : "")} {(chosen - first > 1 ? "were" : "was")} in use, so {chosen} was taken")
            : null;
        return string.Join("; ", new[] { privileged, taken }.Where(s => s is not null));
    }

    private static bool TryListen(int port, out TcpListener listener, out SocketError error)
    {
        listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start(Backlog);
            error = SocketError.Success;
            return true;
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            error = ex.SocketErrorCode;
            return false;
        }
    }
}
