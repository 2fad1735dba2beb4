using System.IO.Pipelines;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Tests.Ports;

/// <summary>A tunnel process made of in-memory pipes: the test plays the program inside the sandbox.</summary>
internal sealed class FakeTunnel : ISandboxProcess
{
    private readonly Pipe _stdin = new();
    private readonly Pipe _stdout = new();
    private readonly Pipe _stderr = new();
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeTunnel()
    {
        StandardInput = _stdin.Writer.AsStream();
        StandardOutput = _stdout.Reader.AsStream();
        StandardError = _stderr.Reader.AsStream();
    }

    /// <summary>What the forward wrote to the process's stdin; completes when it closed stdin.</summary>
    public PipeReader Input => _stdin.Reader;

    /// <summary>The process's stdout, for the test to write.</summary>
    public PipeWriter Output => _stdout.Writer;

    /// <summary>The process's stderr, for the test to write.</summary>
    public PipeWriter Error => _stderr.Writer;

    public int LocalId => 1;

    public Stream StandardInput { get; }

    public Stream StandardOutput { get; }

    public Stream StandardError { get; }

    public bool HasExited => _exit.Task.IsCompleted;

    public bool Killed { get; private set; }

    /// <summary>Ends the process: closes stdout and stderr and exits with <paramref name="code"/>.</summary>
    public async Task ExitAsync(int code)
    {
        await _stdout.Writer.CompleteAsync();
        await _stderr.Writer.CompleteAsync();
        _exit.TrySetResult(code);
    }

    public Task<int> WaitForExitAsync(CancellationToken cancellationToken) => _exit.Task.WaitAsync(cancellationToken);

    public void Kill()
    {
        Killed = true;
        _stdout.Writer.Complete();
        _stderr.Writer.Complete();
        _exit.TrySetResult(137);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }
}
