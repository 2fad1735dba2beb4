using System.Globalization;
using System.Text;
using SandboxMcp.Common;
using SandboxMcp.Runtimes.Policy;

namespace SandboxMcp.Runtimes.Seatbelt;

/// <summary>
/// A Seatbelt (SBPL) profile generated from a <see cref="SandboxPolicy"/>: deny by default, allows, then the
/// denied list last (Seatbelt applies the last matching rule, so the denied list wins). No path is ever spliced
/// into the text: each is a <c>-D KEY=VALUE</c> parameter read with <c>(param "KEY")</c>, so nothing needs escaping
/// and the text depends only on how many paths there are.
/// </summary>
/// <param name="Text">The profile, for <c>sandbox-exec -f</c>.</param>
/// <param name="Parameters">Parameters in the order they are passed.</param>
public sealed record SeatbeltProfile(string Text, IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    /// <summary>The one sandbox-exec there is; never one found on PATH.</summary>
    public const string SandboxExec = "/usr/bin/sandbox-exec";

    /// <summary>The argv that runs <paramref name="command"/> under this profile, written to <paramref name="profileFile"/>.</summary>
    public IReadOnlyList<string> Argv(string profileFile, IReadOnlyList<string> command) =>
        [SandboxExec, "-f", profileFile, .. Parameters.Select(p => $"-D{p.Key}={p.Value}"), "--", .. command];

    /// <summary>Generates the profile of <paramref name="policy"/>.</summary>
    /// <param name="policy">The sandbox's policy.</param>
    /// <param name="proxyPort">
    /// For a policy with an allowlist, the loopback port of its proxy: the one address the sandbox may connect to. The
    /// number is written into the text (an integer: nothing to escape), because whether sandbox-exec accepts a
    /// parameter inside a network address is not known.
    /// </param>
    public static SeatbeltProfile From(SandboxPolicy policy, int? proxyPort = null)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        string Param(string key, string value)
        {
            parameters.Add(new(key, value));
            return $"(param \"{key}\")";
        }

        var text = new StringBuilder();
        text.Append("""
            (version 1)
            (deny default)

            ; Processes: fork and exec; signals and process information only within this sandbox.
            (allow process-fork)
            (allow process-exec)
            (allow signal (target same-sandbox))
            (allow process-info* (target same-sandbox))

            ; What common toolchains ask of the system (user lookup, logging, semaphores, terminals).
            (allow sysctl-read)
            (allow user-preference-read)
            (allow ipc-posix-sem)
            (allow pseudo-tty)
            (allow mach-lookup
              (global-name "com.apple.system.opendirectoryd.libinfo")
              (global-name "com.apple.system.logger")
              (global-name "com.apple.system.notification_center")
              (global-name "com.apple.CoreServices.coreservicesd")
              (global-name "com.apple.lsd.mapdb"))

            ; Devices, and metadata for path resolution.
            (allow file-read-metadata)
            (allow file-read* file-write-data file-ioctl
              (literal "/dev/null") (literal "/dev/zero") (literal "/dev/tty") (literal "/dev/dtracehelper") (literal "/dev/ptmx")
              (regex #"^/dev/ttys[0-9]+$"))
            (allow file-read* (literal "/dev/random") (literal "/dev/urandom") (subpath "/dev/fd"))

            """);

        text.Append("\n; System locations, read-only.\n(allow file-read*");
        foreach (var (path, i) in policy.SystemPaths.Select((p, i) => (p, i)))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  (subpath {Param($"SYSTEM_{i}", path)})");
        }

        text.Append(")\n");
        if (policy.ReadOnlyPaths.Count > 0)
        {
            text.Append("\n; The profile's read-only paths.\n(allow file-read*");
            foreach (var (path, i) in policy.ReadOnlyPaths.Select((p, i) => (p, i)))
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  (subpath {Param($"READ_ONLY_{i}", path)})");
            }

            text.Append(")\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n; The sandbox's own directory, its temporary directory and the profile's read-write paths.\n(allow file-read* file-write*\n  (subpath {Param("SANDBOX_DIR", policy.SandboxDirectory)})\n  (subpath {Param("TMP_DIR", policy.TempDirectory)})");
        foreach (var (path, i) in policy.ReadWritePaths.Select((p, i) => (p, i)))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  (subpath {Param($"READ_WRITE_{i}", path)})");
        }

        text.Append(")\n\n");
        text.Append(policy.NetworkAllowed
            ? """
              ; Network: full, as the profile asks (with the services DNS and TLS need).
              (allow network*)
              (allow system-socket)
              (allow mach-lookup
                (global-name "com.apple.SystemConfiguration.DNSConfiguration")
                (global-name "com.apple.SystemConfiguration.configd")
                (global-name "com.apple.networkd")
                (global-name "com.apple.trustd.agent")
                (global-name "com.apple.ocspd")
                (global-name "com.apple.SecurityServer"))

              """
            : policy.UsesProxy && proxyPort is { } port
                ? $"""
                  ; Network: only this sandbox's allowlist proxy, on the host's loopback (127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}); it
                  ; lets through the hosts of allowedHosts. Remote, never local: a local-address rule would match every socket.
                  (allow system-socket (socket-domain AF_INET))
                  (allow network-outbound (remote tcp "localhost:{port.ToString(CultureInfo.InvariantCulture)}"))

                  """
                : "; Network: none. On macOS loopback is the host's, so there is no IP networking at all.\n");

        var ctlCarveOut = "";
        if (policy.CtlSocket is { } socket)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n; sandbox-ctl: this sandbox's own socket only.\n(allow system-socket (socket-domain AF_UNIX))\n(allow network-outbound (remote unix-socket (path-literal {Param("CTL_SOCKET", socket)})))\n");
            ctlCarveOut = $" (require-not (subpath {Param("CTL_DIRECTORY", Path.GetDirectoryName(socket)!)}))";
        }

        text.Append(CultureInfo.InvariantCulture, $"\n; Last, so they win over every allow above. The server's state, apart from this sandbox's own directory:\n(deny file-read* file-write* (require-all (subpath {Param("STATE_DIR", policy.StateDirectory)}) (require-not (subpath (param \"SANDBOX_DIR\"))){ctlCarveOut}))\n");
        if (policy.DeniedPaths.Count > 0)
        {
            // Never emitted empty: a deny without a filter would deny everything.
            text.Append("; Credentials, system secrets and the profile's denied paths:\n(deny file-read* file-write*");
            foreach (var (path, i) in policy.DeniedPaths.Select((p, i) => (p, i)))
            {
                text.Append(CultureInfo.InvariantCulture, $"\n  (subpath {Param($"DENIED_{i}", path)})");
            }

            text.Append(")\n");
        }
        var ancestors = new List<string>();
        foreach (var (path, i) in policy.DeniedPaths.Select((p, i) => (p, i)))
        {
            var j = 0;
            for (var parent = Path.GetDirectoryName(path); parent is not null && parent != "/"; parent = Path.GetDirectoryName(parent))
            {
                if (policy.WritableRoots.Any(root => HostPaths.IsUnder(parent, root) && parent != root))
                {
                    ancestors.Add($"\n  (literal {Param($"DENIED_{i}_PARENT_{j++}", parent)})");
                }
            }
        }

        if (ancestors.Count > 0)
        {
            text.Append("; Nor may a writable folder holding a denied path be renamed to move it out of the way:\n(deny file-write-unlink");
            text.Append(string.Concat(ancestors)).Append(")\n");
        }

        return new SeatbeltProfile(text.ToString(), parameters);
    }
}
