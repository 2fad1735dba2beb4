using System.Globalization;
using SandboxMcp.Common;
using SandboxMcp.Runtimes.Policy;

namespace SandboxMcp.Runtimes;

/// <summary>
/// The sandbox's way out under a network allowlist: with <c>--unshare-net</c> it has only a loopback of its own, so a
/// small forwarder inside listens on <c>127.0.0.1:<see cref="Port"/></c> and carries each connection to the proxy's
/// unix socket, bound in at <see cref="Mount"/>. On bubblewrap socat when the host has it (what Anthropic's
/// sandbox-runtime runs), else a few lines of python3; in a container (vm tier) the python3 one.
/// </summary>
public static class ProxyBridge
{
    /// <summary>The port inside the sandbox (its own network namespace, so it takes nothing from the host).</summary>
    public const int Port = 3128;

    /// <summary>Where the proxy's socket directory is mounted inside.</summary>
    public const string Mount = "/run/sandbox-proxy";

    /// <summary>The socket as the sandbox sees it.</summary>
    public const string SocketPath = Mount + "/proxy.sock";

    /// <summary>What to install when neither forwarder is there.</summary>
    public const string InstallHint = "apt-get install socat (or python3)";

    /// <summary>
    /// The fallback forwarder: accept on 127.0.0.1:PORT, connect to the socket, copy both ways with half-close. It waits up
    /// to 10 s for the port, so it takes over from a forwarder that is ending (a container's, after a server restart).
    /// </summary>
    public const string PythonScript = """
        import socket, sys, threading, time
        port, path = int(sys.argv[1]), sys.argv[2]
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for attempt in range(100):
            try:
                server.bind(("127.0.0.1", port))
                break
            except OSError:
                if attempt == 99:
                    raise
                time.sleep(0.1)
        server.listen(128)
        def pump(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        def serve(client):
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(path)
            except OSError:
                client.close()
                return
            back = threading.Thread(target=pump, args=(upstream, client), daemon=True)
            back.start()
            pump(client, upstream)
            back.join()
            client.close()
            upstream.close()
        while True:
            conn, _ = server.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
        """;

    /// <summary>Prefix of the container forwarder: end the whole process when stdin reaches EOF (the exec that started it ended).</summary>
    private const string StdinWatch = """
        import os, sys, threading
        threading.Thread(target=lambda: (sys.stdin.buffer.read(), os._exit(0)), daemon=True).start()

        """;

    private static readonly string[] ProgramDirectories = ["/usr/local/bin", "/usr/bin", "/bin"];

    /// <summary>
    /// The forwarder's argv, with a program the sandbox can see (under one of the policy's system paths, not denied); throws a
    /// <see cref="SandboxException"/> saying what to install when there is none.
    /// </summary>
    public static IReadOnlyList<string> Argv(SandboxPolicy policy, Func<string, bool> exists)
    {
        if (Visible("socat", policy, exists) is { } socat)
        {
            return [socat, $"TCP-LISTEN:{Port.ToString(CultureInfo.InvariantCulture)},bind=127.0.0.1,fork,reuseaddr", "UNIX-CONNECT:" + SocketPath];
        }

        if (Visible("python3", policy, exists) is { } python)
        {
            return [python, "-c", PythonScript, Port.ToString(CultureInfo.InvariantCulture), SocketPath];
        }

        throw new SandboxException($"The network allowlist needs socat or python3 inside the sandbox to reach its proxy, and neither is installed: {InstallHint}.");
    }

    /// <summary>The network as <c>status</c> states it for a sandbox (bubblewrap or container) with an allowlist.</summary>
    public static string Describe(IReadOnlyList<string> allowedHosts, Network.AllowlistProxy? proxy) =>
        $"allowlist: only {string.Join(", ", allowedHosts)} (any port), through the server's filtering proxy "
        + $"(HTTP_PROXY and HTTPS_PROXY=http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)} inside; other hosts get 403; no other network, no DNS); "
        + (proxy?.Counters.Summary() ?? "proxy not started yet by this server");

    /// <summary>
    /// The forwarder in a container: the python3 one, which also ends when its stdin closes, so the forwarder a
    /// server started through the engine's exec does not outlive that server (whose next run starts its own).
    /// </summary>
    public static IReadOnlyList<string> ContainerArgv() =>
        ["python3", "-c", StdinWatch + PythonScript, Port.ToString(CultureInfo.InvariantCulture), SocketPath];

    /// <summary>A command that prints the listeners of its network namespace, for <see cref="ListensIn"/>.</summary>
    public static IReadOnlyList<string> ListeningCheckArgv() => ["cat", "/proc/net/tcp"];

    /// <summary>
    /// True when a process in the network namespace of <paramref name="pid"/> listens on 127.0.0.1:<see cref="Port"/>
    /// (read from the host: <c>/proc/PID/net/tcp</c> shows the sockets of that process's namespace).
    /// </summary>
    public static bool IsListening(int pid)
    {
        try
        {
            return ListensIn(File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/net/tcp"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True when the lines of a <c>/proc/net/tcp</c> show a listener on 127.0.0.1:<see cref="Port"/>.</summary>
    public static bool ListensIn(IEnumerable<string> procNetTcp)
    {
        var local = $"0100007F:{Port.ToString("X4", CultureInfo.InvariantCulture)}";
        return procNetTcp
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(fields => fields.Length > 3 && fields[1] == local && fields[3] == "0A");
    }

    /// <summary>The program as the sandbox sees it: under a system path and not masked by a denied path.</summary>
    private static string? Visible(string program, SandboxPolicy policy, Func<string, bool> exists) =>
        ProgramDirectories.Select(d => Path.Combine(d, program))
            .Where(exists)
            .FirstOrDefault(p => HostPaths.RealPath(p) is var real
                && policy.SystemPaths.Any(s => HostPaths.IsUnder(real, s))
                && !policy.DeniedPaths.Any(d => HostPaths.IsUnder(real, d) || HostPaths.IsUnder(p, d)));
}
