namespace SandboxMcp.Shell;

/// <summary>How a <see cref="PersistentShell"/> starts and reads.</summary>
public sealed record ShellOptions
{
    /// <summary>File inside the sandbox where the shell saves <c>export -p</c> after every command.</summary>
    public required string StatePath { get; init; }

    /// <summary>Working directory of a fresh shell with no saved state.</summary>
    public required string WorkDir { get; init; }

    /// <summary>Environment of a fresh shell.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>Bytes of stdout and of stderr kept per command.</summary>
    /// <value>Default 50 000.</value>
    public int MaxOutputBytes { get; init; } = 50_000;

    /// <summary>How long a fresh shell may take to answer.</summary>
    /// <value>Default 30 s (a container exec can be slow on a busy machine).</value>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After a timeout kills the command's children, how long to wait for the shell's marker before killing the shell too.</summary>
    /// <value>Default 0.5 s.</value>
    public TimeSpan MarkerGrace { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the calling thread blocks waiting for a command's output before waiting on a thread of its own.</summary>
    /// <value>
    /// Default 2 ms: a warm command answers well within it and costs no thread hand-off. On the stdin reader, which
    /// runs warm <c>exec</c> calls itself, the wait also ends when the client sends another message.
    /// </value>
    public TimeSpan InlineWait { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>After the shell process exits, how long to keep reading output that is still in flight.</summary>
    /// <value>Default 0.2 s; a background child holding the pipes open must not hold up the call.</value>
    public TimeSpan ExitDrain { get; init; } = TimeSpan.FromMilliseconds(200);
}
