using System.Globalization;
using SandboxMcp.Common;
using SandboxMcp.Runtimes.Policy;

namespace SandboxMcp.Runtimes.Bubblewrap;

/// <summary>What a path is on the host, for masking: a directory gets a tmpfs, anything else <c>/dev/null</c>.</summary>
public enum HostPathKind
{
    /// <summary>Nothing there.</summary>
    Missing,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A file, socket or device.</summary>
    File,
}

/// <summary>
/// Turns a <see cref="SandboxPolicy"/> into bubblewrap arguments: the long-lived holder that owns a sandbox's
/// namespaces, and the <c>nsenter</c> line that starts every process inside them. Pure functions of their
/// inputs (the host is only asked what kind a denied path is), so the argv is golden-tested.
/// </summary>
public static class BubblewrapArguments
{
    /// <summary>Where the sandbox-ctl directory is mounted; the socket is <c>ctl.sock</c> in it, as in containers.</summary>
    public const string CtlMount = "/run/sandbox-ctl";

    /// <summary>
    /// The holder's command: says it is ready, then waits for EOF on stdin. The server holds the other end, so
    /// when the server exits (even killed) the holder ends, and with it the pid namespace and every process in it.
    /// </summary>
    public static readonly IReadOnlyList<string> HolderCommand = ["/bin/sh", "-c", "echo ready; read -r _", "sandbox-mcp-holder"];

    /// <summary>The device nodes a sandbox gets.</summary>
    public static readonly IReadOnlyList<string> Devices = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom"];

    /// <summary>What the real host says a path is.</summary>
    public static HostPathKind KindOnHost(string path) =>
        Directory.Exists(path) ? HostPathKind.Directory : Path.Exists(path) ? HostPathKind.File : HostPathKind.Missing;

    /// <summary>
    /// The holder: <c>bwrap</c> with new user, pid, ipc and uts namespaces (and net unless the policy allows
    /// network), the system read-only, the profile's paths, denied paths masked, the state directory hidden, and
    /// the sandbox's own directory writable on top.
    /// </summary>
    /// <param name="bwrap">The bwrap program.</param>
    /// <param name="policy">The sandbox's policy.</param>
    /// <param name="hostname">The host name inside (the sandbox name).</param>
    /// <param name="sandboxId">Tag for every process of the sandbox (<see cref="Native.HostSandboxes.SandboxIdVariable"/>).</param>
    /// <param name="dropCapabilities">True when the server runs as root: bwrap then keeps capabilities unless told.</param>
    /// <param name="kind">What a path is on the host.</param>
    /// <param name="proxyDirectory">The host directory of the allowlist proxy's socket, mounted at <see cref="ProxyBridge.Mount"/>; null without one.</param>
    public static IReadOnlyList<string> Holder(
        string bwrap, SandboxPolicy policy, string hostname, string sandboxId, bool dropCapabilities, Func<string, HostPathKind> kind, string? proxyDirectory = null)
    {
        List<string> args = [bwrap, "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts"];
        if (!policy.NetworkAllowed)
        {
            args.Add("--unshare-net");
        }

        // No --die-with-parent: its PR_SET_PDEATHSIG follows the *thread* that forked bwrap, and .NET forks from
        // pool threads that retire when idle. The holder ends on EOF of its stdin instead (see HolderCommand).
        args.Add("--new-session");
        if (dropCapabilities)
        {
            args.AddRange(["--cap-drop", "ALL"]);
        }

        args.AddRange(["--hostname", hostname, "--clearenv", "--setenv", "PATH", Native.HostSandboxes.StandardPath, "--setenv", Native.HostSandboxes.SandboxIdVariable, sandboxId]);
        foreach (var path in policy.SystemPaths)
        {
            args.AddRange(["--ro-bind", path, path]);
        }

        foreach (var link in policy.SystemLinks)
        {
            args.AddRange(["--symlink", link.Target, link.Path]);
        }

        // A few device nodes instead of --dev: --dev needs root in a first user namespace, which makes an
        // unprivileged bwrap nest a second one, and nsenter could then not join the mount and pid namespaces.
        args.AddRange(["--proc", "/proc"]);
        foreach (var device in Devices)
        {
            args.AddRange(["--dev-bind", device, device]);
        }

        args.AddRange([
            "--symlink", "/proc/self/fd", "/dev/fd", "--symlink", "/proc/self/fd/0", "/dev/stdin", "--symlink", "/proc/self/fd/1", "/dev/stdout",
            "--symlink", "/proc/self/fd/2", "/dev/stderr", "--tmpfs", "/dev/shm",
        ]);

        // A private /tmp for the holder's lifetime, first, so host paths under /tmp can still be mounted into it.
        args.AddRange(["--tmpfs", "/tmp"]);
        foreach (var path in policy.ReadOnlyPaths)
        {
            args.AddRange(["--ro-bind", path, path]);
        }

        foreach (var path in policy.ReadWritePaths)
        {
            args.AddRange(["--bind", path, path]);
        }

        var visibleRoots = policy.SystemPaths.Concat(policy.ReadOnlyPaths).Concat(policy.ReadWritePaths).ToList();
        foreach (var denied in policy.DeniedPaths.Where(d => visibleRoots.Any(r => HostPaths.IsUnder(d, r))))
        {
            switch (kind(denied))
            {
                case HostPathKind.Directory:
                    args.AddRange(["--tmpfs", denied, "--remount-ro", denied]);
                    break;
                case HostPathKind.File:
                    args.AddRange(["--ro-bind", "/dev/null", denied]);
                    break;
            }
        }

        if (visibleRoots.Any(r => HostPaths.IsUnder(policy.StateDirectory, r)))
        {
            // Hide the state (state.json, logs, other sandboxes); the own directory is mounted into the empty view.
            args.AddRange(["--tmpfs", policy.StateDirectory, "--dir", policy.SandboxDirectory, "--remount-ro", policy.StateDirectory]);
        }

        args.AddRange(["--bind", policy.SandboxDirectory, policy.SandboxDirectory]);
        if (policy.CtlSocket is { } socket)
        {
            args.AddRange(["--bind", Path.GetDirectoryName(socket)!, CtlMount]);
        }

        if (proxyDirectory is not null)
        {
            // Read-only: connecting to a socket works on a read-only mount, and the sandbox cannot replace it.
            args.AddRange(["--ro-bind", proxyDirectory, ProxyBridge.Mount]);
        }

        args.AddRange(["--chdir", policy.SandboxDirectory, "--"]);
        args.AddRange(HolderCommand);
        return args;
    }

    /// <summary>
    /// Starts <paramref name="argv"/> inside the holder's namespaces: a new session (for the memory watchdog and
    /// group kills), <c>nsenter</c> into user, mount, pid, ipc, uts (and net when unshared) namespaces keeping the
    /// user's credentials, <c>setpriv</c> dropping every capability the user namespace gave, then
    /// <paramref name="wrapper"/> (cd, limits) and the command. User text only ever travels as arguments.
    /// </summary>
    /// <param name="setsid">The setsid program, or null.</param>
    /// <param name="nsenter">The nsenter program.</param>
    /// <param name="setpriv">The setpriv program (as seen inside: the system is mounted at the same path).</param>
    /// <param name="namespacePid">Host pid of a process inside the holder's namespaces.</param>
    /// <param name="ownNetwork">True when the holder unshared the network namespace.</param>
    /// <param name="workingDirectory">Where the command starts, inside the sandbox.</param>
    /// <param name="wrapper">Shell text run as <c>sh -c WRAPPER sh DIR ARGV…</c>; must cd to <c>$1</c>, shift and exec <c>"$@"</c>.</param>
    /// <param name="argv">The command.</param>
    public static IReadOnlyList<string> Enter(
        string? setsid, string nsenter, string setpriv, int namespacePid, bool ownNetwork, string workingDirectory, string wrapper, IReadOnlyList<string> argv)
    {
        var args = new List<string>();
        if (setsid is not null)
        {
            args.Add(setsid);
        }

        args.AddRange([nsenter, "--target", namespacePid.ToString(CultureInfo.InvariantCulture), "--user", "--mount", "--pid", "--ipc", "--uts"]);
        if (ownNetwork)
        {
            args.Add("--net");
        }

        args.AddRange(["--preserve-credentials", "--", setpriv, "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--", "/bin/sh", "-c", wrapper, "sh", workingDirectory]);
        args.AddRange(argv);
        return args;
    }

    /// <summary>Shell text that enters <c>$1</c> (or says clearly that it is missing) before <paramref name="then"/>.</summary>
    public static string ChangeDirectory(string then) =>
        "cd -- \"$1\" 2>/dev/null || { printf 'sandbox-mcp: the working directory %s does not exist in the sandbox: create it first or use another\\n' \"$1\" >&2; exit 126; }; shift; " + then;
}
