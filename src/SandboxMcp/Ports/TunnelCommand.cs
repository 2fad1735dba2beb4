using System.Globalization;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Ports;

/// <summary>The program that carries forwarded connections inside a sandbox: its stdin and stdout are the socket (or, for python3, many).</summary>
public enum TunnelKind
{
    /// <summary>python3: one long-lived <see cref="TunnelMux"/> process per forward carries every connection, with half-close both ways.</summary>
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
/// Chooses, once per sandbox, how a forwarded connection reaches <c>127.0.0.1:PORT</c> inside it, and builds the argv
/// of the per-connection fallbacks. python3 comes first: one multiplexing process serves every connection (an engine
/// exec costs ~0.2 s per connection) and keeps TCP half-close both ways; netcat-openbsd 1.219 (Debian) keeps its
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

    /// <summary>The argv of a per-connection tunnel that connects stdin/stdout to <c>127.0.0.1:<paramref name="port"/></c> (python3 uses <see cref="MuxScript"/> instead).</summary>
    public static IReadOnlyList<string> Argv(TunnelKind kind, int port)
    {
        var p = port.ToString(CultureInfo.InvariantCulture);
        return kind switch
        {
            TunnelKind.NetcatOpenBsd => ["nc", "-N", "127.0.0.1", p],
            TunnelKind.Netcat => ["nc", "127.0.0.1", p],
            TunnelKind.Bash => ["bash", "-c", BashScript, "tunnel", p],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>How the kind is named in results.</summary>
    public static string Describe(TunnelKind kind) => kind switch
    {
        TunnelKind.Python => "one multiplexed python3 tunnel process for all connections",
        TunnelKind.NetcatOpenBsd => "nc -N (netcat-openbsd)",
        TunnelKind.Netcat => "nc",
        TunnelKind.Bash => "bash /dev/tcp",
        TunnelKind.Direct => "direct (the sandbox shares the host's network)",
        _ => kind.ToString(),
    };
}
