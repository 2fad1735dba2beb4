using System.Runtime.InteropServices;

namespace SandboxMcp.Runtimes;

/// <summary>Sends Unix signals to host processes and process groups.</summary>
internal static partial class Signals
{
    public const int SigKill = 9;

    /// <summary>Sends SIGKILL to a process; false when it is gone or not ours.</summary>
    public static bool Kill(int pid) => pid > 1 && NativeKill(pid, SigKill) == 0;

    /// <summary>Sends SIGKILL to every process in a process group.</summary>
    public static bool KillGroup(int processGroup) => processGroup > 1 && NativeKill(-processGroup, SigKill) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);
}
