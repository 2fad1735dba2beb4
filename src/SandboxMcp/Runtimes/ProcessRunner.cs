using SandboxMcp.Shell;

namespace SandboxMcp.Runtimes;

/// <summary>The output of a process run to completion.</summary>
/// <param name="ExitCode">Exit status of the process.</param>
/// <param name="Stdout">Captured stdout, capped.</param>
/// <param name="Stderr">Captured stderr, capped.</param>
public sealed record ProcessOutput(int ExitCode, CappedOutput Stdout, CappedOutput Stderr)
{
    /// <summary>Stderr (or stdout when stderr is empty) as one trimmed line of text for an error message.</summary>
    public string ErrorText => (Stderr.KeptBytes > 0 ? Stderr.Decode() : Stdout.Decode()).Trim();
}

/// <summary>Runs one-shot helper processes in a sandbox: feed stdin, collect capped output, wait for the exit.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="process"/> with <paramref name="stdin"/> as its input and returns its output.</summary>
    public static async Task<ProcessOutput> RunAsync(
        this IProcessLauncher launcher,
        ProcessSpec process,
        ReadOnlyMemory<byte> stdin,
        int maxOutputBytes,
        CancellationToken cancellationToken)
    {
        await using var started = await launcher.StartAsync(process, cancellationToken);
        var stdout = new CappedOutput(maxOutputBytes);
        var stderr = new CappedOutput(maxOutputBytes);
        var readOut = DrainAsync(started.StandardOutput, stdout, cancellationToken);
        var readErr = DrainAsync(started.StandardError, stderr, cancellationToken);
        try
        {
            if (!stdin.IsEmpty)
            {
                await started.StandardInput.WriteAsync(stdin, cancellationToken);
            }

            await started.StandardInput.DisposeAsync();
        }
        catch (IOException)
        {
            // The process exited without reading all its input; its exit code and stderr say why.
        }

        await Task.WhenAll(readOut, readErr);
        var exitCode = await started.WaitForExitAsync(cancellationToken);
        return new ProcessOutput(exitCode, stdout, stderr);
    }

    /// <summary>Runs a helper that must succeed; throws with its error output otherwise.</summary>
    public static async Task<ProcessOutput> RunCheckedAsync(this IProcessLauncher launcher, IReadOnlyList<string> argv, string what, CancellationToken cancellationToken)
    {
        var output = await launcher.RunAsync(new ProcessSpec(argv), ReadOnlyMemory<byte>.Empty, 64 * 1024, cancellationToken);
        return output.ExitCode == 0 ? output : throw new Common.SandboxException($"Could not {what} (exit {output.ExitCode}): {output.ErrorText}");
    }

    /// <summary>Reads a stream to its end into <paramref name="sink"/>, dropping what is past the cap.</summary>
    public static async Task DrainAsync(Stream stream, CappedOutput sink, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sink.Append(buffer.AsSpan(0, read));
        }
    }

    /// <summary>
    /// <see cref="DrainAsync"/> for output that only explains a failure (a tunnel's or forwarder's stderr): a stream that
    /// breaks or is disposed under the read simply ends it.
    /// </summary>
    public static async Task DrainQuietlyAsync(Stream stream, CappedOutput sink)
    {
        try
        {
            await DrainAsync(stream, sink, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process is gone; what arrived is in the sink.
        }
    }
}
