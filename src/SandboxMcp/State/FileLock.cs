using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SandboxMcp.State;

/// <summary>
/// An exclusive advisory lock (<c>flock</c>) on a file, shared by every server process using the same state
/// directory. Held for one read-modify-write of state.json, never across a slow operation.
/// </summary>
internal sealed partial class FileLock : IDisposable
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int LockUnlock = 8;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(5);
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    /// <summary>Waits until the lock is free, up to <paramref name="timeout"/>.</summary>
    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (Flock(stream.SafeFileHandle, LockExclusive | LockNonBlocking) != 0)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Another sandbox-mcp process has held {path} for more than {timeout.TotalSeconds:0} s.");
                }

                await Task.Delay(RetryDelay, cancellationToken);
            }

            return new FileLock(stream);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public void Dispose()
    {
        _ = Flock(_stream.SafeFileHandle, LockUnlock);
        _stream.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(SafeFileHandle fd, int operation);
}
