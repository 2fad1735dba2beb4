using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Shell;

/// <summary>One running <c>sh</c> of a <see cref="PersistentShell"/>: its process, pipes and pid inside the sandbox.</summary>
internal sealed class ShellSession : IAsyncDisposable
{
    /// <summary>Commands up to this size are written without a thread-pool hop: well under a pipe's 64 KiB.</summary>
    private const int SynchronousWriteLimit = 16 * 1024;
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true);
    private readonly Lock _readsLock = new();
    private readonly TimeSpan _exitDrain;
    private readonly TimeSpan _inlineWait;
    private readonly Stream _stdoutPipe;
    private readonly Stream _stderrPipe;
    private bool _readsCompleted;
    private int _disposed;

    private ShellSession(ISandboxProcess process, TimeSpan exitDrain, TimeSpan inlineWait)
    {
        Process = process;
        _exitDrain = exitDrain;
        _inlineWait = inlineWait;
        _stdoutPipe = InlinePipeStream.Wrap(process.StandardOutput);
        _stderrPipe = InlinePipeStream.Wrap(process.StandardError);
        Stdout = PipeReader.Create(_stdoutPipe, ReaderOptions);
        Stderr = PipeReader.Create(_stderrPipe, ReaderOptions);
        _ = CancelReadsAfterExitAsync();
    }

    public ISandboxProcess Process { get; }

    public PipeReader Stdout { get; }

    public PipeReader Stderr { get; }

    /// <summary>The shell's pid inside the sandbox (<c>$$</c>).</summary>
    public int ShellPid { get; private set; }

    /// <summary>The shell's working directory after the last command.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Set when the session can no longer run commands.</summary>
    public bool IsBroken { get; private set; }

    public bool IsUsable => !IsBroken && !Process.HasExited;

    /// <summary>Starts <c>sh</c>, sends the prelude and waits for its ready markers.</summary>
    public static async Task<ShellSession> StartAsync(IProcessLauncher launcher, ShellOptions options, CancellationToken cancellationToken)
    {
        var process = await launcher.StartAsync(new ProcessSpec(["sh"], options.Env, options.WorkDir), cancellationToken);
        var session = new ShellSession(process, options.ExitDrain, options.InlineWait);
        try
        {
            var nonce = NewNonce();
            await session.WriteAsync(ShellScripts.Prelude(options.StatePath, nonce), cancellationToken);
            var stdout = new CappedOutput(4096);
            var stderr = new CappedOutput(4096);
            var ready = session.ReadMarkersAsync(Encoding.ASCII.GetBytes(nonce), stdout, stderr);
            try
            {
                await ready.WaitAsync(options.StartTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                session.Fail();
                await ready;
                throw new ShellStartException(
                    $"The sandbox shell did not answer within {options.StartTimeout.TotalSeconds:0} s. {Describe(stderr)}");
            }

            var (found, trailer) = await ready;
            if (!found || !int.TryParse(trailer.Status, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                var exit = process.HasExited ? $" (exit code {await process.WaitForExitAsync(CancellationToken.None)})" : "";
                throw new ShellStartException($"The sandbox shell could not start{exit}. {Describe(stderr)} {Describe(stdout)}".TrimEnd());
            }

            session.ShellPid = pid;
            session.WorkingDirectory = trailer.WorkingDirectory;
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>A fresh end marker; random so that no output can contain it by chance or design.</summary>
    public static string NewNonce() => "__MCP_" + RandomNumberGenerator.GetHexString(24, lowercase: true) + "__";

    public async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length <= SynchronousWriteLimit)
        {
            // The shell is idle and its pipe empty, so a short line cannot block; the async path would cost a
            // thread-pool hop on every command.
            Process.StandardInput.Write(bytes);
            Process.StandardInput.Flush();
            return;
        }

        await Process.StandardInput.WriteAsync(bytes, cancellationToken);
        await Process.StandardInput.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Reads stdout up to <c>NONCE rc;pwd NONCE</c> and stderr up to <c>NONCE</c>. Found is false when the shell
    /// ended first; the readers then hold what arrived.
    /// </summary>
    /// <remarks>
    /// Output that arrives within <see cref="ShellOptions.InlineWait"/> is read on the calling thread (see
    /// <see cref="InlineReads"/>); the window covers only this call's synchronous part.
    /// </remarks>
    public Task<(bool Found, MarkerTrailer Trailer)> ReadMarkersAsync(byte[] nonce, CappedOutput stdout, CappedOutput stderr)
    {
        using (InlineReads.Open(_inlineWait))
        {
            return ReadMarkersCoreAsync(nonce, stdout, stderr);
        }
    }

    private async Task<(bool Found, MarkerTrailer Trailer)> ReadMarkersCoreAsync(byte[] nonce, CappedOutput stdout, CappedOutput stderr)
    {
        var stdoutTask = ReadStdoutAsync(nonce, stdout);
        var stderrFound = await MarkerReader.ReadUntilAsync(Stderr, nonce, stderr, CancellationToken.None);
        var (stdoutFound, trailer) = await stdoutTask;
        return (stdoutFound && stderrFound, trailer);
    }

    private async Task<(bool, MarkerTrailer)> ReadStdoutAsync(byte[] nonce, CappedOutput stdout)
    {
        if (!await MarkerReader.ReadUntilAsync(Stdout, nonce, stdout, CancellationToken.None))
        {
            return (false, default);
        }

        var trailer = new CappedOutput(8192);
        if (!await MarkerReader.ReadUntilAsync(Stdout, nonce, trailer, CancellationToken.None))
        {
            return (false, default);
        }

        return (true, MarkerTrailer.Parse(Encoding.UTF8.GetString(trailer.Bytes)));
    }

    /// <summary>Marks the session broken and ends pending reads at once.</summary>
    public void Fail()
    {
        IsBroken = true;
        CancelReads();
    }

    public async Task<int?> ExitCodeAsync(TimeSpan wait)
    {
        try
        {
            using var cts = new CancellationTokenSource(wait);
            return await Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private void CancelReads()
    {
        lock (_readsLock)
        {
            if (_readsCompleted)
            {
                return;
            }

            Stdout.CancelPendingRead();
            Stderr.CancelPendingRead();
        }
    }

    private async Task CancelReadsAfterExitAsync()
    {
        try
        {
            await Process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Disposed before exit: nothing to wake.
            return;
        }

        // Output written just before exit is still in the pipe; a background child may hold it open forever.
        await Task.Delay(_exitDrain);
        IsBroken = true;
        CancelReads();
    }

    private static string Describe(CappedOutput output)
    {
        var text = output.Decode().Trim();
        return text.Length == 0 ? "" : "Output: " + text;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        IsBroken = true;
        try
        {
            await Process.StandardInput.DisposeAsync();
        }
        catch (IOException)
        {
            // The shell is already gone.
        }

        await Process.DisposeAsync();
        lock (_readsLock)
        {
            _readsCompleted = true;
            Stdout.Complete();
            Stderr.Complete();
        }

        // Ends their waiter threads; the pipes themselves closed with the process.
        await _stdoutPipe.DisposeAsync();
        await _stderrPipe.DisposeAsync();
    }
}

/// <summary>What follows the stdout end marker: <c>status;working-directory</c>.</summary>
internal readonly record struct MarkerTrailer(string Status, string? WorkingDirectory)
{
    public static MarkerTrailer Parse(string text)
    {
        var separator = text.IndexOf(';', StringComparison.Ordinal);
        return separator < 0 ? new MarkerTrailer(text, null) : new MarkerTrailer(text[..separator], text[(separator + 1)..]);
    }
}
