using System.Globalization;
using System.Text;

namespace SandboxMcp.Network;

/// <summary>The answers the allowlist proxy writes itself: a status line and a plain-text body that says what to do.</summary>
public static class ProxyResponses
{
    /// <summary>The answer to a CONNECT whose tunnel is open.</summary>
    public static readonly byte[] Established = Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection established\r\n\r\n");

    /// <summary>A complete response that closes the connection; <paramref name="blocked"/> adds <c>X-Proxy-Error: blocked-by-allowlist</c>.</summary>
    public static byte[] Text(int status, string body, bool blocked = false)
    {
        var content = Encoding.UTF8.GetBytes("sandbox-mcp proxy: " + body + "\n");
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {Reason(status)}\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {content.Length}\r\n")
            .Append(blocked ? "X-Proxy-Error: blocked-by-allowlist\r\n" : "")
            .Append("Connection: close\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. content];
    }

    private static string Reason(int status) => status switch
    {
        400 => "Bad Request",
        403 => "Forbidden",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    };
}
