using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SandboxMcp.Common;

/// <summary>
/// A short window in which the current thread may block on a shell's output instead of awaiting it. A warm command
/// answers in microseconds; awaiting a pipe through the socket engine costs two thread hand-offs (its epoll
/// thread, then a pool worker) and, once the pipe is registered, a wake-up of both for every write the shell makes.
/// Blocking in <c>poll</c> lets the kernel wake this thread directly. The window is per thread: only the code that
/// opened it blocks, and a command still running when it closes is waited for on a thread of its own.
/// A thread that serves others (the stdin reader) declares its input with <see cref="YieldTo"/>: a wait then ends as
/// soon as another message arrives, so no message ever waits for an inline command.
/// </summary>
internal static partial class InlineReads
{
    private const short PollIn = 0x1;
    private const short PollErr = 0x8;
    private const short PollHup = 0x10;
    private const short PollNval = 0x20;

    [ThreadStatic]
    private static long t_deadline;

    /// <summary>
    /// How long a wait in a window first spins (non-blocking polls) before it sleeps in the kernel. A warm command
    /// answers within tens of microseconds, and waking a thread that slept costs about as much again on a virtual
    /// machine (the idle vCPU halts and needs an interrupt); the thread pool spins before parking for the same reason.
    /// </summary>
    private static readonly long SpinTicks = Stopwatch.Frequency * 50 / 1_000_000;

    [ThreadStatic]
    private static SafeHandle? t_input;

    [ThreadStatic]
    private static bool t_inputPending;

    /// <summary>
    /// Lets the current thread block on shell output for up to <paramref name="budget"/>; dispose to close. Wrap only
    /// synchronous calls: an await inside would close the window on another thread and leave this one open.
    /// </summary>
    public static Window Open(TimeSpan budget)
    {
        var previous = t_deadline;
        t_deadline = t_inputPending ? 0 : Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        return new Window(previous);
    }

    /// <summary>
    /// Until disposed, windows on this thread give way to <paramref name="input"/>: none opens while
    /// <paramref name="pending"/> (a message is already buffered), and a wait ends when the handle becomes readable.
    /// </summary>
    public static Yielding YieldTo(SafeHandle? input, bool pending)
    {
        var previous = new Yielding(t_input, t_inputPending);
        t_input = input;
        t_inputPending = pending;
        return previous;
    }

    /// <summary>Milliseconds left in this thread's window (rounded up), or 0 outside one.</summary>
    public static int WindowMilliseconds()
    {
        var remaining = t_deadline - Stopwatch.GetTimestamp();
        return t_deadline == 0 || remaining <= 0
            ? 0
            : (int)Math.Min(int.MaxValue, ((remaining * 1000) + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
    }

    /// <summary>
    /// Waits up to <paramref name="milliseconds"/> (0: not at all) until <paramref name="fd"/> can be read without
    /// blocking: data, end of stream or an error. Throws <see cref="ObjectDisposedException"/> once the handle is closed.
    /// </summary>
    public static bool WaitReadable(SafeHandle fd, int milliseconds)
    {
        var input = milliseconds > 0 ? t_input : null;
        var added = false;
        var inputAdded = false;
        try
        {
            // Held across the poll, so a concurrent dispose closes the descriptor only after it.
            fd.DangerousAddRef(ref added);
            Span<PollFd> requests = stackalloc PollFd[2];
            requests[0] = new PollFd { Fd = (int)fd.DangerousGetHandle(), Events = PollIn };
            var count = 1;
            if (input is not null && !input.IsClosed)
            {
                input.DangerousAddRef(ref inputAdded);
                requests[1] = new PollFd { Fd = (int)input.DangerousGetHandle(), Events = PollIn };
                count = 2;
            }

            if (Spin(requests[..count], milliseconds) <= 0 && Poll(ref requests[0], (nuint)count, milliseconds) <= 0)
            {
                return false;
            }

            if (count == 2 && requests[1].Revents != 0)
            {
                // Another message arrived: this thread has other work, so the rest of the wait happens elsewhere.
                t_deadline = 0;
            }

            // End of stream, an error or a closed descriptor: the read returns or throws at once, so it counts as ready.
            return (requests[0].Revents & (PollIn | PollHup | PollErr | PollNval)) != 0;
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }

            if (inputAdded)
            {
                input!.DangerousRelease();
            }
        }
    }

    /// <summary>Polls without blocking for up to <see cref="SpinTicks"/> (not at all for a zero wait); the poll's result.</summary>
    private static int Spin(Span<PollFd> requests, int milliseconds)
    {
        if (milliseconds == 0)
        {
            return 0;
        }

        var until = Stopwatch.GetTimestamp() + SpinTicks;
        int ready;
        while ((ready = Poll(ref requests[0], (nuint)requests.Length, 0)) == 0 && Stopwatch.GetTimestamp() < until)
        {
        }

        return ready;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMilliseconds);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>Restores what <see cref="YieldTo"/> replaced.</summary>
    public readonly struct Yielding(SafeHandle? input, bool pending) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose()
        {
            t_input = input;
            t_inputPending = pending;
        }
    }

    /// <summary>Closes the window it was opened as, restoring an outer one.</summary>
    public readonly struct Window(long previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => t_deadline = previous;
    }
}
