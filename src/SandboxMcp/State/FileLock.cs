namespace SandboxMcp.State;

/// <summary>
/// An exclusive advisory lock on a file, shared by every server process using the same state directory. .NET
/// takes <c>flock(LOCK_EX)</c> itself when a file is opened with <see cref="FileShare.None"/>, and fails at once
/// when another open file holds it (in this process or another), so acquiring is a polite retry loop. Held for
/// one read-modify-write of state.json, never across a slow operation the user is waiting for.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(5);
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    /// <summary>Waits until the lock is free, up to <paramref name="timeout"/>.</summary>
    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.None,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                }));
            }
            catch (IOException ex) when (ex.GetType() == typeof(IOException))
            {
                // Held by someone else (missing directories and permissions raise derived types and propagate).
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Another sandbox-mcp process has held {path} for more than {timeout.TotalSeconds:0} s.", ex);
                }
            }

            await Task.Delay(RetryDelay, cancellationToken);
        }
    }

    public void Dispose() => _stream.Dispose();
}
