namespace SandboxMcp.Network;

/// <summary>
/// The variables that point a sandbox's programs at its allowlist proxy: curl, wget, pip, npm, git and Python's
/// urllib read the lower-case pair, most others the upper-case one. <c>ALL_PROXY</c> is left unset on purpose: many
/// programs take it to be a SOCKS proxy (Claude Code's sandbox sets a <c>socks5h://</c> one there), and this proxy
/// speaks HTTP and CONNECT only, so an <c>http://</c> value there would break them rather than help.
/// </summary>
public static class ProxyEnvironment
{
    /// <summary>Hosts that stay direct: the sandbox's own loopback (its own services on Linux).</summary>
    public const string NoProxy = "localhost,127.0.0.1,::1";

    /// <summary>The variables for a proxy at <c>http://127.0.0.1:<paramref name="port"/></c>.</summary>
    public static Dictionary<string, string> For(int port)
    {
        var url = $"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HTTP_PROXY"] = url,
            ["HTTPS_PROXY"] = url,
            ["http_proxy"] = url,
            ["https_proxy"] = url,
            ["NO_PROXY"] = NoProxy,
            ["no_proxy"] = NoProxy,

            // Node.js 24 and later use the variables above for fetch and http only when told to.
            ["NODE_USE_ENV_PROXY"] = "1",
        };
    }

    /// <summary>
    /// <paramref name="proxy"/> overlaid with a process's own variables: a command may point one tool elsewhere, which
    /// changes nothing about what the sandbox can reach.
    /// </summary>
    public static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> proxy, IReadOnlyDictionary<string, string>? own)
    {
        var merged = new Dictionary<string, string>(proxy, StringComparer.Ordinal);
        foreach (var (key, value) in own ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return merged;
    }
}
