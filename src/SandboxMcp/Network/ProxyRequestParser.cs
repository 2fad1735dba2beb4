using System.Buffers;
using System.Globalization;
using System.Text;

namespace SandboxMcp.Network;

/// <summary>
/// Parses the head of an HTTP/1.x proxy request: <c>CONNECT host:port</c> or a method with an absolute
/// <c>http://</c> URI. Heads larger than <see cref="MaxHeadBytes"/> are refused as soon as that many bytes arrived
/// without an end, so a client can neither make the proxy buffer without bound nor hold it on a partial line.
/// </summary>
public static class ProxyRequestParser
{
    /// <summary>Largest request head accepted (request line and headers).</summary>
    public const int MaxHeadBytes = 32 * 1024;

    /// <summary>Headers that concern only the hop to the proxy; never forwarded (Proxy-Authorization is a credential).</summary>
    private static readonly string[] HopByHop = ["connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "te", "trailer", "upgrade", "host"];

    /// <summary>
    /// Looks for a complete head in <paramref name="buffer"/>. Returns false while more bytes are needed (and the
    /// cap is not reached); true with either <paramref name="request"/> or <paramref name="error"/> set. On success
    /// <paramref name="consumed"/> is the position after the head: what follows belongs to the tunnel or body.
    /// </summary>
    public static bool TryParse(ReadOnlySequence<byte> buffer, out SequencePosition consumed, out ProxyRequest? request, out ProxyRequestError? error)
    {
        request = null;
        error = null;
        consumed = buffer.Start;
        var reader = new SequenceReader<byte>(buffer);
        var lines = new List<string>();
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                if (buffer.Length >= MaxHeadBytes)
                {
                    error = TooLarge();
                    return true;
                }

                return false;
            }

            if (reader.Consumed > MaxHeadBytes)
            {
                error = TooLarge();
                return true;
            }

            var text = Encoding.Latin1.GetString(line);
            text = text.EndsWith('\r') ? text[..^1] : text;
            if (text.Length == 0)
            {
                if (lines.Count == 0)
                {
                    // An empty line before the request line is tolerated (RFC 9112, 2.2).
                    continue;
                }

                consumed = reader.Position;
                request = Parse(lines, out error);
                return true;
            }

            lines.Add(text);
        }
    }

    private static ProxyRequestError TooLarge() =>
        new(431, $"the request head is larger than {MaxHeadBytes / 1024} KiB");

    private static ProxyRequest? Parse(List<string> lines, out ProxyRequestError? error)
    {
        error = null;
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || !parts[0].All(IsTokenChar))
        {
            error = new(400, "malformed request line: expected \"CONNECT host:port HTTP/1.1\" or \"GET http://host/path HTTP/1.1\"");
            return null;
        }

        var (method, target, version) = (parts[0], parts[1], parts[2]);
        if (version is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            error = new(505, $"only HTTP/1.0 and HTTP/1.1 are spoken here, not '{Printable(version)}'");
            return null;
        }

        var headers = new List<(string Name, string Line)>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !line[..colon].All(IsTokenChar))
            {
                error = new(400, "malformed header line (folded lines and names with spaces are not accepted)");
                return null;
            }

            headers.Add((line[..colon].ToLowerInvariant(), line));
        }

        if (headers.Any(h => h.Name == "transfer-encoding") && headers.Any(h => h.Name == "content-length"))
        {
            error = new(400, "both Transfer-Encoding and Content-Length: the body length is ambiguous");
            return null;
        }

        if (method == "CONNECT")
        {
            return SplitAuthority(target, defaultPort: null, out var host, out var port)
                ? new ProxyRequest(method, host, port, null)
                : Fail(out error, "CONNECT needs host:port (e.g. \"CONNECT github.com:443 HTTP/1.1\")");
        }

        if (target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(out error, "https:// URLs go through CONNECT (the client sets up TLS itself); use an https-aware client or http_proxy for http:// only");
        }

        if (!target.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(out error, "this is an HTTP proxy: send an absolute http:// URI (GET http://host/path) or CONNECT host:port");
        }

        var rest = target["http://".Length..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var authority = end < 0 ? rest : rest[..end];
        var path = end < 0 ? "/" : rest[end] == '/' ? rest[end..] : "/" + rest[end..];
        var hash = path.IndexOf('#', StringComparison.Ordinal);
        path = hash < 0 ? path : path[..hash];

        // User information in the URI (http://user:secret@host/) is dropped: never forwarded, never logged.
        var at = authority.LastIndexOf('@');
        authority = at < 0 ? authority : authority[(at + 1)..];
        if (!SplitAuthority(authority, defaultPort: 80, out var name, out var targetPort))
        {
            return Fail(out error, "the URI has no usable host (e.g. \"GET http://example.com/ HTTP/1.1\")");
        }

        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{method} {path} {version}\r\n");
        head.Append("Host: ").Append(authority).Append("\r\n");
        var listed = headers.Where(h => h.Name is "connection" or "proxy-connection")
            .SelectMany(h => h.Line[(h.Line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(','))
            .Select(n => n.Trim().ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
        foreach (var line in headers.Where(h => !HopByHop.Contains(h.Name, StringComparer.Ordinal) && !listed.Contains(h.Name)).Select(h => h.Line))
        {
            head.Append(line).Append("\r\n");
        }

        // One request per connection: a client reusing the connection for another host must not reach this server.
        head.Append("Connection: close\r\n\r\n");
        return new ProxyRequest(method, name, targetPort, Encoding.Latin1.GetBytes(head.ToString()));
    }

    private static ProxyRequest? Fail(out ProxyRequestError error, string message)
    {
        error = new ProxyRequestError(400, message);
        return null;
    }

    /// <summary>Splits <c>host:port</c>, <c>[v6]:port</c> or (with a default port) a bare host.</summary>
    private static bool SplitAuthority(string authority, int? defaultPort, out string host, out int port)
    {
        host = "";
        port = defaultPort ?? 0;
        string portText;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length == 0)
            {
                return defaultPort is not null;
            }

            if (after[0] != ':')
            {
                return false;
            }

            portText = after[1..];
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            if (colon < 0)
            {
                host = authority;
                return host.Length > 0 && defaultPort is not null;
            }

            host = authority[..colon];
            portText = authority[(colon + 1)..];
        }

        return host.Length > 0 && portText.Length is > 0 and <= 5 && portText.All(char.IsAsciiDigit)
            && int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static string Printable(string text) => new([.. text.Take(40).Select(c => c is >= ' ' and < (char)127 ? c : '?')]);
}
