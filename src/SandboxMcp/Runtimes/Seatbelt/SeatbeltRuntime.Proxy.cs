using System.Globalization;
using SandboxMcp.Network;
using SandboxMcp.Runtimes.Policy;

namespace SandboxMcp.Runtimes.Seatbelt;

public sealed partial class SeatbeltRuntime
{
    /// <summary>
    /// For a sandbox with an allowlist: its proxy on the host's loopback (started on first use), the profile that lets
    /// the sandbox reach that one port, written once per port, and the variables pointing programs at it. A restarted
    /// server asks for the port used before, because the persistent shell restores its saved HTTP_PROXY over ours.
    /// File names use '@', which no sandbox name holds, so one sandbox's files never match another's.
    /// </summary>
    private (SeatbeltProfile Profile, string File, IReadOnlyDictionary<string, string> Env) WithProxy(
        RuntimeHandle handle, SandboxPolicy policy, IReadOnlyDictionary<string, string>? env)
    {
        var name = Path.GetFileName(handle.Id);
        var portFile = Path.Combine(ProfileDirectory, name + "@proxy-port");
        var preferred = File.Exists(portFile) && int.TryParse(File.ReadAllText(portFile), CultureInfo.InvariantCulture, out var before) ? before : 0;
        var port = proxies.EnsureLoopback(handle.Id, name, policy.AllowedHosts, preferred).Port!.Value;
        var portText = port.ToString(CultureInfo.InvariantCulture);
        if (port != preferred)
        {
            File.WriteAllText(portFile, portText);
        }

        var profile = SeatbeltProfile.From(policy, port);
        var profileFile = Path.Combine(ProfileDirectory, $"{name}@proxy-{portText}.sb");
        if (!File.Exists(profileFile))
        {
            File.WriteAllText(profileFile, profile.Text);
        }

        return (profile, profileFile, ProxyEnvironment.Merge(ProxyEnvironment.For(port), env));
    }

    /// <summary>Stops the sandbox's proxy and removes its profiles and remembered port.</summary>
    private async Task StopProxyAsync(RuntimeHandle handle)
    {
        await proxies.StopAsync(handle.Id);
        if (Directory.Exists(ProfileDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(ProfileDirectory, Path.GetFileName(handle.Id) + "@proxy-*"))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>The network as <c>status</c> states it for a sandbox with an allowlist.</summary>
    private string AllowlistNetwork(RuntimeHandle handle, SandboxPolicy policy) =>
        $"allowlist: only {string.Join(", ", policy.AllowedHosts)} (any port), through the server's filtering proxy on 127.0.0.1 "
        + "(HTTP_PROXY and HTTPS_PROXY set; other hosts get 403; no other network); "
        + (proxies.Find(handle.Id)?.Counters.Summary() ?? "proxy not started yet by this server");
}
