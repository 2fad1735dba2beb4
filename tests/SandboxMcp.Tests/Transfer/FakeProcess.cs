using SandboxMcp.Runtimes;

namespace SandboxMcp.Tests.Transfer;

/// <summary>A finished process with fixed output, for testing what reads it.</summary>
internal sealed class FakeProcess(byte[] stdout, byte[] stderr, int exitCode) : ISandboxProcess
{
    public int LocalId => 1;

    public Stream StandardInput { get; } = new MemoryStream();

    public Stream StandardOutput { get; } = new MemoryStream(stdout);

    public Stream StandardError { get; } = new MemoryStream(stderr);

    public bool HasExited => true;

    public bool Killed { get; private set; }

    public Task<int> WaitForExitAsync(CancellationToken cancellationToken) => Task.FromResult(exitCode);

    public void Kill() => Killed = true;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
