using SandboxMcp.Common;

namespace SandboxMcp.Runtimes.Container;

/// <summary>An engine command failed in a way that will not pass by retrying; carries the command's exit code and error output.</summary>
public sealed class EngineException(string message, int exitCode, string stderr) : SandboxException(message)
{
    /// <summary>The engine command's exit code.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>What the engine wrote to stderr.</summary>
    public string Stderr { get; } = stderr;

    /// <summary>An exception for <paramref name="what"/> failing with <paramref name="output"/>.</summary>
    public static EngineException From(string engine, string what, CommandOutput output)
    {
        var detail = (output.Stderr.Trim().Length > 0 ? output.Stderr : output.Stdout).Trim();
        if (detail.Length > 1000)
        {
            detail = detail[..1000] + "…";
        }

        return new EngineException($"{engine} could not {what} (exit {output.ExitCode}): {detail}", output.ExitCode, output.Stderr);
    }
}
