using System.Globalization;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Ports;

/// <summary>The program that carries one forwarded connection inside a sandbox: its stdin and stdout are the socket.</summary>
public enum TunnelKind
{
    /// <summary>A python3 one-liner: shuts the socket down on stdin EOF and exits on the server's FIN.</summary>
    Python,

    /// <summary>netcat-openbsd with <c>-N</c>: half-close towards the server; a server's close reaches the client only when it closes too.</summary>
    NetcatOpenBsd,

    /// <summary>Another nc (busybox, traditional): no half-close.</summary>
    Netcat,

    /// <summary>bash's <c>/dev/tcp</c>: no half-close.</summary>
    Bash,

    /// <summary>No process: the sandbox shares the host's network, so the server connects to 127.0.0.1:PORT itself.</summary>
    Direct,
}

/// <summary>
/// Chooses, once per sandbox, how a forwarded connection reaches <c>127.0.0.1:PORT</c> inside it, and builds that
/// argv. python3 comes first because it keeps TCP half-close both ways; netcat-openbsd 1.219 (Debian) keeps its
/// stdout open after the server closes for as long as its stdin is open, so an HTTP/1.0-style "close when done"
/// would never reach a client that keeps its own side open.
/// </summary>
public static class TunnelCommand
{
    /// <summary>
    /// Prints the first usable kind (<c>python</c>, <c>nc-openbsd</c>, <c>nc</c>, <c>bash</c> or an empty line),
    /// then the sandbox's network namespace.
    /// </summary>
    internal const string ProbeScript = """
        if command -v python3 >/dev/null 2>&1; then echo python
        elif command -v nc >/dev/null 2>&1; then
          if nc -h 2>&1 | grep -q 'Shutdown the network socket after EOF'; then echo nc-openbsd; else echo nc; fi
        elif command -v bash >/dev/null 2>&1; then echo bash
        else echo
        fi
        readlink /proc/self/ns/net 2>/dev/null || true
        """;

    /// <summary>
    /// The python3 tunnel: connect, copy stdin to the socket (then shut its write side down) on a thread, copy the
    /// socket to stdout, and exit on the server's FIN. Exiting, not just closing stdout, because engine clients
    /// (<c>podman exec</c>) pass stdout's EOF on only when the process ends; a server that half-closes and then
    /// keeps reading is the one case this gives up.
    /// </summary>
    internal const string PythonScript = """
        import os, socket, sys, threading
        try:
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
        except OSError as e:
            sys.exit("connect to 127.0.0.1:%s failed: %s" % (sys.argv[1], e.strerror or e))
        def up():
            try:
                while True:
                    b = os.read(0, 65536)
                    if not b:
                        break
                    s.sendall(b)
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        t = threading.Thread(target=up, daemon=True)
        t.start()
        try:
            while True:
                b = memoryview(s.recv(65536))
                if not b:
                    break
                while b:
                    b = b[os.write(1, b):]
        except OSError as e:
            sys.stderr.write("connection to 127.0.0.1:%s: %s\n" % (sys.argv[1], e.strerror or e))
            sys.stderr.flush()
            os._exit(1)
        os._exit(0)
        """;

    private static readonly Lazy<string?> HostNetworkNamespace = new(() =>
    {
        try
        {
            return new FileInfo("/proc/self/ns/net").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    });

    private const string BashScript = "exec 3<>/dev/tcp/127.0.0.1/\"$1\" || exit 1; cat <&3 & cat >&3; wait";

    /// <summary>Parses the first line of the probe's output; null when the sandbox has none of them.</summary>
    internal static TunnelKind? Parse(string probeOutput) => probeOutput.Split('\n')[0].Trim() switch
    {
        "python" => TunnelKind.Python,
        "nc-openbsd" => TunnelKind.NetcatOpenBsd,
        "nc" => TunnelKind.Netcat,
        "bash" => TunnelKind.Bash,
        _ => null,
    };

    /// <summary>
    /// Finds the best tunnel program in the sandbox, and whether the sandbox shares this server's network namespace
    /// (then its port N is the host's 127.0.0.1:N, and a forward on that same number would connect to itself).
    /// </summary>
    public static async Task<(TunnelKind Kind, bool SharesHostNetwork)> ProbeAsync(IProcessLauncher launcher, CancellationToken cancellationToken)
    {
        var output = (await launcher.RunAsync(new ProcessSpec(["sh", "-c", ProbeScript]), ReadOnlyMemory<byte>.Empty, 4096, cancellationToken)).Stdout.Decode();
        var kind = Parse(output) ?? throw new Common.SandboxException(
            "Port forwarding needs python3, nc or bash inside the sandbox and it has none of them: install one (e.g. install with packages [\"netcat-openbsd\"]), then expose again.");
        var lines = output.Split('\n');
        var sandboxNamespace = lines.Length > 1 ? lines[1].Trim() : "";
        return (kind, sandboxNamespace.Length > 0 && sandboxNamespace == HostNetworkNamespace.Value);
    }

    /// <summary>The argv that connects stdin/stdout to <c>127.0.0.1:<paramref name="port"/></c>.</summary>
    public static IReadOnlyList<string> Argv(TunnelKind kind, int port)
    {
        var p = port.ToString(CultureInfo.InvariantCulture);
        return kind switch
        {
            TunnelKind.Python => ["python3", "-c", PythonScript, p],
            TunnelKind.NetcatOpenBsd => ["nc", "-N", "127.0.0.1", p],
            TunnelKind.Netcat => ["nc", "127.0.0.1", p],
            TunnelKind.Bash => ["bash", "-c", BashScript, "tunnel", p],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>How the kind is named in results.</summary>
    public static string Describe(TunnelKind kind) => kind switch
    {
        TunnelKind.Python => "python3",
        TunnelKind.NetcatOpenBsd => "nc -N (netcat-openbsd)",
        TunnelKind.Netcat => "nc",
        TunnelKind.Bash => "bash /dev/tcp",
        TunnelKind.Direct => "direct (the sandbox shares the host's network)",
        _ => kind.ToString(),
    };
}
