using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SandboxMcp.Ports;

namespace SandboxMcp.Network;

/// <summary>
/// Serves one client connection of the allowlist proxy: reads the request head (bounded, with a deadline), refuses
/// a host the allowlist does not name with 403, connects to an allowed one, then streams both ways with half-close.
/// Only host and port are ever logged: never a path, a query, user information or a Proxy-Authorization value.
/// </summary>
internal static partial class ProxyConnection
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Runs the connection to its end; never throws except for cancellation of the whole proxy.</summary>
    public static async Task RunAsync(Socket client, ProxySettings settings, CancellationToken cancellationToken)
    {
        using var ownedClient = client;
        await using var clientStream = new NetworkStream(client, ownsSocket: false);
        var reader = PipeReader.Create(clientStream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));
        var (request, error) = await ReadHeadAsync(reader, settings.HeadTimeout, cancellationToken);
        if (request is null)
        {
            if (error is not null)
            {
                settings.Counters.CountFailed();
                await AnswerAsync(client, ProxyResponses.Text(error.Status, error.Message), cancellationToken);
            }

            await reader.CompleteAsync();
            return;
        }

        // Decided, resolved, counted and logged by one spelling: lower case, ASCII (punycode), no trailing dot.
        var host = HostPattern.NormalizeRequestHost(request.Host, out _);
        if (host is null || settings.Allowlist.Match(host) is not { } pattern)
        {
            var shown = host ?? "(not a valid host name)";
            settings.Counters.CountDenied(shown);
            LogDenied(settings.Logger, settings.Sandbox, shown, request.Port);
            var body = $"{shown} is not in the network allowlist of sandbox '{settings.Sandbox}' (allowed: {settings.Allowlist}). "
                + $"To allow it, add \"{shown}\" to \"{HostAllowlist.ProfileKey}\" in this sandbox's profile of the sandbox-mcp configuration; "
                + "the allowlist is recorded when a sandbox is created, so it applies after a server restart to a sandbox created anew (destroy this one).";
            await AnswerAsync(client, ProxyResponses.Text(403, body, blocked: true), cancellationToken);
            await reader.CompleteAsync();
            return;
        }

        var upstream = await ProxyUpstream.ConnectAsync(host, request.Port, pattern, settings.ConnectTimeout, cancellationToken);
        if (upstream.Socket is not { } server)
        {
            if (upstream.Status == 403)
            {
                settings.Counters.CountDenied(host);
            }
            else
            {
                settings.Counters.CountFailed();
            }

            LogUpstreamFailed(settings.Logger, settings.Sandbox, host, request.Port, upstream.Status);
            await AnswerAsync(client, ProxyResponses.Text(upstream.Status, upstream.Message, blocked: upstream.Status == 403), cancellationToken);
            await reader.CompleteAsync();
            return;
        }

        using var ownedServer = server;
        settings.Counters.CountAllowed();
        LogAllowed(settings.Logger, settings.Sandbox, request.Method, host, request.Port);
        await using var serverStream = new NetworkStream(server, ownsSocket: false);
        try
        {
            if (request.ForwardHead is { } head)
            {
                await serverStream.WriteAsync(head, cancellationToken);
            }
            else
            {
                await clientStream.WriteAsync(ProxyResponses.Established, cancellationToken);
            }

            await PumpAsync(client, reader, clientStream, server, serverStream, settings.Counters, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Either side went away; both sockets close below.
        }
    }

    /// <summary>Both directions at once; each end of input half-closes the other socket; a failure ends both.</summary>
    private static async Task PumpAsync(Socket client, PipeReader clientReader, NetworkStream clientStream, Socket server, NetworkStream serverStream, ProxyCounters counters, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var up = OneWayAsync(clientReader, serverStream, server, counters.BytesOut, cts);
        var down = OneWayAsync(PipeReader.Create(serverStream, new StreamPipeReaderOptions(bufferSize: BufferSize, minimumReadSize: 4096, leaveOpen: true)), clientStream, client, counters.BytesIn, cts);
        await Task.WhenAll(up, down);
    }

    private static async Task OneWayAsync(PipeReader source, NetworkStream target, Socket targetSocket, ByteCounter counter, CancellationTokenSource both)
    {
        try
        {
            await BytePump.CopyAsync(source, PipeWriter.Create(target, new StreamPipeWriterOptions(minimumBufferSize: BufferSize, leaveOpen: true)), counter, both.Token);
            targetSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A reset or a failed write: nothing more can flow either way.
            await both.CancelAsync();
        }
    }

    private static async Task<(ProxyRequest? Request, ProxyRequestError? Error)> ReadHeadAsync(PipeReader reader, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cts.Token);
                var buffer = result.Buffer;
                if (ProxyRequestParser.TryParse(buffer, out var consumed, out var request, out var error))
                {
                    reader.AdvanceTo(request is null ? buffer.End : consumed);
                    return (request, error);
                }

                if (result.IsCompleted)
                {
                    // The client closed before finishing its request: nobody to answer.
                    reader.AdvanceTo(buffer.End);
                    return (null, null);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, new ProxyRequestError(408, $"no complete request within {timeout.TotalSeconds:0} s"));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return (null, null);
        }
    }

    private static async Task AnswerAsync(Socket client, byte[] response, CancellationToken cancellationToken)
    {
        try
        {
            await client.SendAsync(response, SocketFlags.None, cancellationToken);
            client.Shutdown(SocketShutdown.Send);

            // Closing with unread input would send a reset, which can destroy the answer before the client reads it:
            // read what the client still sends, a little and briefly, until it closes too.
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            linger.CancelAfter(TimeSpan.FromSeconds(2));
            var sink = new byte[4096];
            for (var total = 0; total < 256 * 1024;)
            {
                var read = await client.ReceiveAsync(sink, SocketFlags.None, linger.Token);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client is gone, or keeps sending: it got its answer either way.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Network allowlist of {Sandbox}: denied {Host}:{Port}")]
    private static partial void LogDenied(ILogger logger, string sandbox, string host, int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Network allowlist of {Sandbox}: {Method} {Host}:{Port} allowed")]
    private static partial void LogAllowed(ILogger logger, string sandbox, string method, string host, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Network allowlist of {Sandbox}: {Host}:{Port} allowed but not reached ({Status})")]
    private static partial void LogUpstreamFailed(ILogger logger, string sandbox, string host, int port, int status);
}
