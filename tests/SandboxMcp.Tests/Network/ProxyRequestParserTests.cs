using System.Buffers;
using System.Text;
using SandboxMcp.Network;

namespace SandboxMcp.Tests.Network;

public sealed class ProxyRequestParserTests
{
    private static (bool Done, ProxyRequest? Request, ProxyRequestError? Error, long Consumed) Parse(string head)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(head));
        var done = ProxyRequestParser.TryParse(buffer, out var consumed, out var request, out var error);
        return (done, request, error, buffer.Slice(0, consumed).Length);
    }

    private static string Forwarded(ProxyRequest request) => Encoding.Latin1.GetString(request.ForwardHead!);

    [Fact]
    public void TryParse_ConnectLine_GivesHostAndPortAndStopsAtTheHead()
    {
        const string head = "CONNECT github.com:443 HTTP/1.1\r\nHost: github.com:443\r\nProxy-Authorization: Basic c2VjcmV0\r\n\r\n";

        var (done, request, error, consumed) = Parse(head + "\x16\x03\x01TLS-BYTES");

        Assert.True(done);
        Assert.Null(error);
        Assert.Equal(("CONNECT", "github.com", 443, true), (request!.Method, request.Host, request.Port, request.IsConnect));
        Assert.Equal(head.Length, consumed);
    }

    [Fact]
    public void TryParse_ConnectToIpv6_StripsBrackets()
    {
        var (_, request, _, _) = Parse("CONNECT [::1]:8443 HTTP/1.1\r\n\r\n");

        Assert.Equal(("::1", 8443), (request!.Host, request.Port));
    }

    [Fact]
    public void TryParse_AbsoluteUri_RewritesToOriginFormWithoutProxyHeaders()
    {
        var (_, request, error, _) = Parse(
            "GET http://user:pa55@Example.com:8080/path?q=1#frag HTTP/1.1\r\nHost: other.org\r\nProxy-Authorization: Basic c2VjcmV0\r\n"
            + "Proxy-Connection: keep-alive\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nAccept: */*\r\n\r\n");

        Assert.Null(error);
        Assert.Equal(("Example.com", 8080, false), (request!.Host, request.Port, request.IsConnect));
        Assert.Equal("GET /path?q=1 HTTP/1.1\r\nHost: Example.com:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n", Forwarded(request));
    }

    [Fact]
    public void TryParse_AbsoluteUriWithoutPathOrPort_UsesSlashAndPort80()
    {
        var (_, request, _, _) = Parse("POST http://example.com?x=1 HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc");

        Assert.Equal(80, request!.Port);
        Assert.StartsWith("POST /?x=1 HTTP/1.0\r\nHost: example.com\r\nContent-Length: 3\r\n", Forwarded(request), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CONNECT github.com:443 HTTP/1.1\r\nHost: github.com")]
    [InlineData("GET http://example.com/ HTTP/1.1\r\n")]
    [InlineData("")]
    public void TryParse_IncompleteHead_AsksForMore(string head)
    {
        Assert.False(Parse(head).Done);
    }

    [Theory]
    [InlineData("HELLO\r\n\r\n", 400, "malformed request line")]
    [InlineData("GET  http://a.com/ HTTP/1.1\r\n\r\n", 400, "malformed request line")]
    [InlineData("CONNECT github.com HTTP/1.1\r\n\r\n", 400, "CONNECT needs host:port")]
    [InlineData("CONNECT github.com:99999 HTTP/1.1\r\n\r\n", 400, "CONNECT needs host:port")]
    [InlineData("CONNECT :443 HTTP/1.1\r\n\r\n", 400, "CONNECT needs host:port")]
    [InlineData("GET / HTTP/1.1\r\nHost: a.com\r\n\r\n", 400, "send an absolute http:// URI")]
    [InlineData("GET https://a.com/ HTTP/1.1\r\n\r\n", 400, "go through CONNECT")]
    [InlineData("GET http:///path HTTP/1.1\r\n\r\n", 400, "no usable host")]
    [InlineData("GET http://a.com/ HTTP/2.0\r\n\r\n", 505, "HTTP/1.0 and HTTP/1.1")]
    [InlineData("GET http://a.com/ HTTP/1.1\r\nno colon here\r\n\r\n", 400, "malformed header line")]
    [InlineData("GET http://a.com/ HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n", 400, "malformed header line")]
    [InlineData("POST http://a.com/ HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "ambiguous")]
    public void TryParse_MalformedHead_IsAnErrorWithAStatus(string head, int status, string message)
    {
        var (done, request, error, _) = Parse(head);

        Assert.True(done);
        Assert.Null(request);
        Assert.Equal(status, error!.Status);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_HeadLargerThanTheCap_Is431WithoutWaitingForItsEnd()
    {
        var huge = "GET http://a.com/ HTTP/1.1\r\nX-Big: " + new string('a', ProxyRequestParser.MaxHeadBytes);

        var (done, _, error, _) = Parse(huge);

        Assert.True(done);
        Assert.Equal(431, error!.Status);
    }

    [Fact]
    public void TryParse_ManyHeaderLinesPastTheCap_Is431()
    {
        var lines = string.Concat(Enumerable.Repeat("X-A: 0123456789\r\n", ProxyRequestParser.MaxHeadBytes / 16));

        var (done, _, error, _) = Parse("GET http://a.com/ HTTP/1.1\r\n" + lines);

        Assert.True(done);
        Assert.Equal(431, error!.Status);
    }

    [Fact]
    public void TryParse_LeadingEmptyLineAndBareLineFeeds_AreTolerated()
    {
        var (_, request, error, _) = Parse("\r\nCONNECT pypi.org:443 HTTP/1.1\nHost: pypi.org\n\n");

        Assert.Null(error);
        Assert.Equal("pypi.org", request!.Host);
    }
}
