using System.Net;
using System.Net.Sockets;

namespace SandboxMcp.Network;

/// <summary>Resolves and connects to an allowed host for the proxy: the sandbox itself needs no DNS.</summary>
internal static class ProxyUpstream
{
    /// <summary>A connected socket, or the HTTP status and sentence to answer with.</summary>
    public sealed record Outcome(Socket? Socket, int Status, string Message);

    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/>, trying each address it resolves to that
    /// <see cref="HostAllowlist.MayConnect"/> accepts, within <paramref name="timeout"/> in all.
    /// </summary>
    public static async Task<Outcome> ConnectAsync(string host, int port, HostPattern pattern, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        IPAddress[] addresses;
        try
        {
            HostPattern.NormalizeRequestHost(host, out var literal);
            addresses = literal is not null ? [literal] : await Dns.GetHostAddressesAsync(host, cts.Token);
        }
        catch (SocketException ex)
        {
            return new Outcome(null, 502, $"could not resolve {host}: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Outcome(null, 504, $"resolving {host} took longer than {timeout.TotalSeconds:0} s");
        }

        var usable = addresses.Where(a => HostAllowlist.MayConnect(pattern, a)).ToList();
        if (usable.Count == 0)
        {
            return new Outcome(null, 403, $"{host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}, a loopback, link-local or otherwise local address, which only an exact {HostAllowlist.ProfileKey} entry (not the wildcard {pattern.Text}) may reach");
        }

        var error = "no address";
        foreach (var address in usable)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token);
                return new Outcome(socket, 200, "");
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                error = ex.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                return new Outcome(null, 504, $"{host}:{port} did not answer within {timeout.TotalSeconds:0} s");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        return new Outcome(null, 502, $"could not connect to {host}:{port}: {error}");
    }
}
