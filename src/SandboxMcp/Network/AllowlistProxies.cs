using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using SandboxMcp.Configuration;

namespace SandboxMcp.Network;

/// <summary>
/// The allowlist proxies this server runs, one per sandbox that has one, started by the runtime on first use and
/// kept until the sandbox is destroyed or the server exits. Each server process sharing a state directory runs its
/// own (bubblewrap holders are per server too), so socket directories carry the server's pid.
/// </summary>
public sealed class AllowlistProxies(ServerPaths paths, ILoggerFactory loggers) : IAsyncDisposable
{
    /// <summary>The socket's name inside its directory.</summary>
    public const string SocketName = "proxy.sock";

    private readonly ConcurrentDictionary<string, AllowlistProxy> _proxies = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ILogger _logger = loggers.CreateLogger<AllowlistProxy>();

    /// <summary>The host directory holding the unix socket of a sandbox's proxy; short, so the path fits in sun_path.</summary>
    public string DirectoryFor(string sandboxId) =>
        Path.Combine(paths.SocketDirectory, $"px-{Hash(sandboxId)}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// The host directory of the socket of a sandbox whose mount outlives this server (a container): no pid in its
    /// name, kept across server restarts (a new server's socket appears in the mounted directory) until the sandbox is destroyed.
    /// </summary>
    public string LastingDirectoryFor(string sandboxId) => Path.Combine(paths.SocketDirectory, $"px-{Hash(sandboxId)}");

    /// <summary>The running proxy of a sandbox, or null.</summary>
    public AllowlistProxy? Find(string sandboxId) => _proxies.GetValueOrDefault(sandboxId);

    /// <summary>The sandbox's proxy on a unix socket in <see cref="DirectoryFor"/> (a 0700 directory), started if needed.</summary>
    /// <param name="sandboxId">The sandbox.</param>
    /// <param name="sandboxName">Its name, for refusals and logs.</param>
    /// <param name="allowedHosts">Its allowlist.</param>
    /// <param name="lasting">True for <see cref="LastingDirectoryFor"/> (a container's mount) instead of <see cref="DirectoryFor"/>.</param>
    public AllowlistProxy EnsureUnix(string sandboxId, string sandboxName, IReadOnlyList<string> allowedHosts, bool lasting = false) =>
        Ensure(sandboxId, () =>
        {
            var directory = lasting ? LastingDirectoryFor(sandboxId) : DirectoryFor(sandboxId);
            RemoveStale(sandboxId);
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return AllowlistProxy.ListenUnix(Path.Combine(directory, SocketName), sandboxName, HostAllowlist.Parse(allowedHosts), _logger);
        });

    /// <summary>The sandbox's proxy on 127.0.0.1, on <paramref name="preferredPort"/> when it is free, else on an ephemeral port; started if needed.</summary>
    public AllowlistProxy EnsureLoopback(string sandboxId, string sandboxName, IReadOnlyList<string> allowedHosts, int preferredPort = 0) =>
        Ensure(sandboxId, () => AllowlistProxy.ListenLoopback(sandboxName, HostAllowlist.Parse(allowedHosts), _logger, preferredPort: preferredPort));

    /// <summary>Stops a sandbox's proxy, ending its connections, and removes its socket directories (the sandbox is destroyed).</summary>
    public Task StopAsync(string sandboxId) => StopAsync(sandboxId, destroyed: true);

    /// <summary>Stops every proxy; a lasting directory stays for the next server.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _proxies.Keys)
        {
            await StopAsync(id, destroyed: false);
        }
    }

    private async Task StopAsync(string sandboxId, bool destroyed)
    {
        if (_proxies.TryRemove(sandboxId, out var proxy))
        {
            await proxy.DisposeAsync();
        }

        foreach (var directory in destroyed ? [DirectoryFor(sandboxId), LastingDirectoryFor(sandboxId)] : new[] { DirectoryFor(sandboxId) })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private AllowlistProxy Ensure(string sandboxId, Func<AllowlistProxy> start)
    {
        lock (_gate)
        {
            if (_proxies.TryGetValue(sandboxId, out var running))
            {
                return running;
            }

            var proxy = start();
            _proxies[sandboxId] = proxy;
            return proxy;
        }
    }

    /// <summary>Removes socket directories of this sandbox left by servers that no longer run (killed, crashed).</summary>
    private void RemoveStale(string sandboxId)
    {
        if (!Directory.Exists(paths.SocketDirectory))
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(paths.SocketDirectory, $"px-{Hash(sandboxId)}-*"))
        {
            var pid = Path.GetFileName(directory).Split('-')[^1];
            if (int.TryParse(pid, CultureInfo.InvariantCulture, out var owner) && owner != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
}
