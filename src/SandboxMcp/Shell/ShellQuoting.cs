namespace SandboxMcp.Shell;

/// <summary>
/// The one way user text enters a shell command line: as a single-quoted POSIX word. Everything else that
/// reaches a process goes through an argument vector.
/// </summary>
public static class ShellQuoting
{
    /// <summary>
    /// Quotes <paramref name="value"/> as one word for a POSIX shell: <c>'…'</c>, each <c>'</c> written as
    /// <c>'\''</c>. The result expands to exactly <paramref name="value"/>, whatever it contains.
    /// </summary>
    /// <exception cref="ArgumentException">The value contains NUL, which no shell word can hold.</exception>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A shell word cannot contain NUL.", nameof(value));
        }

        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
