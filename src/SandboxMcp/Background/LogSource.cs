namespace SandboxMcp.Background;

/// <summary>Where a piece of a background process's log came from.</summary>
public enum LogSource
{
    /// <summary>The process's standard output.</summary>
    Stdout,

    /// <summary>The process's standard error.</summary>
    Stderr,

    /// <summary>A line the supervisor wrote (restarts, kills, health); shown with either stream.</summary>
    Supervisor,
}

/// <summary>Parses the <c>stream</c> argument of <c>logs</c>.</summary>
public static class LogSources
{
    /// <summary>"stdout", "stderr" or "both" (default); null means both.</summary>
    public static LogSource? Parse(string? stream) => stream?.ToLowerInvariant() switch
    {
        null or "" or "both" => null,
        "stdout" => LogSource.Stdout,
        "stderr" => LogSource.Stderr,
        _ => throw new Common.SandboxException($"Invalid stream '{Common.InputValidation.Printable(stream)}': use \"stdout\", \"stderr\" or \"both\" (default)."),
    };
}
