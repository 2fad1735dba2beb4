using System.IO.Pipelines;
using System.Net.Sockets;
using SandboxMcp.Runtimes;
using SandboxMcp.Shell;

namespace SandboxMcp.Ports;

/// <summary>How one forwarded connection ended.</summary>
/// <param name="BytesToSandbox">Bytes the client sent into the sandbox.</param>
/// <param name="BytesFromSandbox">Bytes the sandbox sent back.</param>
/// <param name="ExitCode">Exit code of the tunnel process, or null when it had to be killed.</param>
/// <param name="Error">What went wrong (the sandbox port not listening, a reset), or null for a clean end.</param>
public sealed record ConnectionOutcome(long BytesToSandbox, long BytesFromSandbox, int? ExitCode, string? Error);

/// <summary>
/// Pumps one accepted socket through a tunnel process in the sandbox, both ways, with half-close: the client's
/// FIN closes the process's stdin (the tunnel then shuts its socket down); the process's stdout EOF shuts the
/// client socket's send side down. The connection is over when both directions ended, or when the tunnel
/// process exited after its output was drained (nothing more can flow).
/// </summary>
public static class ForwardConnection
{
    private const int BufferSize = 64 * 1024;
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);

    /// <summary>Runs the connection to its end; never throws for a failure of either side, only for cancellation.</summary>
    public static async Task<ConnectionOutcome> RunAsync(Socket client, ISandboxProcess tunnel, ByteCounter toSandbox, ByteCounter fromSandbox, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var network = new NetworkStream(client, ownsSocket: false);
        var stderr = new CappedOutput(2048);
        var readErr = DrainQuietlyAsync(tunnel.StandardError, stderr, cts.Token);
        var up = new ByteCounter(toSandbox);
        var down = new ByteCounter(fromSandbox);

        var upstream = UpAsync(network, tunnel, up, cts.Token);
        string? error = null;
        try
        {
            await BytePump.CopyAsync(
                PipeReader.Create(tunnel.StandardOutput, new StreamPipeReaderOptions(bufferSize: BufferSize, minimumReadSize: 4096, leaveOpen: true)),
                PipeWriter.Create(network, new StreamPipeWriterOptions(minimumBufferSize: BufferSize, leaveOpen: true)),
                down,
                cts.Token);
            client.Shutdown(SocketShutdown.Send);

            // The sandbox side stopped sending. Either the client finishes its side, or the tunnel exits (the server
            // closed), after which nothing the client sends can arrive anywhere.
            var exited = tunnel.WaitForExitAsync(cts.Token);
            if (await Task.WhenAny(upstream, exited) == exited)
            {
                await cts.CancelAsync();
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The client went away, or the sandbox side was reset: stop the other direction too.
            error = ex is TunnelResetException ? ex.Message : "client connection failed: " + ex.Message;
            await cts.CancelAsync();
        }

        await upstream;
        var exitCode = await ExitCodeAsync(tunnel);
        await readErr;
        if (error is null && exitCode is not 0 && down.Value == 0)
        {
            var detail = stderr.Decode().Trim();
            error = detail.Length > 0 ? detail : $"the tunnel exited with {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no exit code"} before sending anything (is anything listening on that port in the sandbox?)";
        }

        return new ConnectionOutcome(up.Value, down.Value, exitCode, error);
    }

    private static async Task UpAsync(NetworkStream network, ISandboxProcess tunnel, ByteCounter up, CancellationToken cancellationToken)
    {
        try
        {
            // Completing the writer disposes stdin: the tunnel sees EOF and shuts its socket's send side down.
            await BytePump.CopyAsync(
                PipeReader.Create(network, new StreamPipeReaderOptions(bufferSize: BufferSize, minimumReadSize: 4096, leaveOpen: true)),
                PipeWriter.Create(tunnel.StandardInput, new StreamPipeWriterOptions(minimumBufferSize: BufferSize, leaveOpen: false)),
                up,
                cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The tunnel stopped reading (it exited) or the client reset; the other direction decides the outcome.
            await tunnel.StandardInput.DisposeAsync();
        }
    }

    private static async Task<int?> ExitCodeAsync(ISandboxProcess tunnel)
    {
        using var grace = new CancellationTokenSource(ExitGrace);
        try
        {
            return await tunnel.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            tunnel.Kill();
            return null;
        }
    }

    private static async Task DrainQuietlyAsync(Stream stream, CappedOutput sink, CancellationToken cancellationToken)
    {
        try
        {
            await Runtimes.ProcessRunner.DrainAsync(stream, sink, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Stderr only explains failures; losing its tail loses nothing else.
        }
    }
}
