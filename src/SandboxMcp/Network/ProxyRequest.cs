namespace SandboxMcp.Network;

/// <summary>One request to the allowlist proxy, parsed from its head.</summary>
/// <param name="Method">The method (<c>CONNECT</c>, <c>GET</c> …).</param>
/// <param name="Host">The target host as the request names it (IPv6 without brackets).</param>
/// <param name="Port">The target port.</param>
/// <param name="ForwardHead">
/// For plain HTTP, the head to send to the server: origin-form request line, the client's headers without proxy
/// and hop-by-hop ones, <c>Host</c> from the URI and <c>Connection: close</c>; null for CONNECT.
/// </param>
public sealed record ProxyRequest(string Method, string Host, int Port, byte[]? ForwardHead)
{
    /// <summary>True for a CONNECT tunnel.</summary>
    public bool IsConnect => ForwardHead is null;
}

/// <summary>Why a request head was refused, as the HTTP answer the client gets.</summary>
/// <param name="Status">The status code (400, 431, 505).</param>
/// <param name="Message">A sentence for the response body.</param>
public sealed record ProxyRequestError(int Status, string Message);
