namespace SandboxMcp.Runtimes.Container;

/// <summary>The result of one engine command.</summary>
/// <param name="ExitCode">Exit status.</param>
/// <param name="Stdout">Standard output.</param>
/// <param name="Stderr">Standard error.</param>
public sealed record CommandOutput(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>True on exit code 0.</summary>
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs engine commands (<c>podman run …</c>) as argument vectors: the seam unit tests substitute.</summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> and returns its exit code and output.</summary>
    /// <param name="program">The program, looked up on PATH.</param>
    /// <param name="arguments">Arguments, each passed as one argv element.</param>
    /// <param name="environment">Variables added to the server's environment for this command.</param>
    /// <param name="onOutputLine">When set, receives every stdout and stderr line as it arrives (progress).</param>
    /// <param name="cancellationToken">Kills the command.</param>
    Task<CommandOutput> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        Action<string>? onOutputLine,
        CancellationToken cancellationToken);
}
