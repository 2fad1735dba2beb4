using System.Net;
using SandboxMcp.Network;

namespace SandboxMcp.Tests.Network;

public sealed class HostPatternTests
{
    private static HostAllowlist CreateSut(params string[] patterns) => HostAllowlist.Parse(patterns);

    [Theory]
    [InlineData("github.com", "github.com")]
    [InlineData("GitHub.COM", "github.com")]
    [InlineData("github.com.", "github.com")]
    [InlineData("*.pythonhosted.org", "files.pythonhosted.org")]
    [InlineData("*.pythonhosted.org", "a.b.pythonhosted.org")]
    [InlineData("*.PythonHosted.org", "FILES.pythonhosted.ORG.")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::1", "[::1]")]
    [InlineData("[2001:db8::1]", "2001:DB8:0::1")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    public void Match_AllowedHost_Matches(string pattern, string host)
    {
        Assert.NotNull(CreateSut(pattern).Match(host));
    }

    [Theory]
    [InlineData("github.com", "api.github.com")]
    [InlineData("github.com", "github.com.evil.org")]
    [InlineData("github.com", "evilgithub.com")]
    [InlineData("*.pythonhosted.org", "pythonhosted.org")]
    [InlineData("*.pythonhosted.org", "pythonhosted.org.evil.org")]
    [InlineData("*.pythonhosted.org", "xpythonhosted.org")]
    [InlineData("localhost", "127.0.0.1")]
    [InlineData("*.example.com", "93.184.216.34")]
    [InlineData("127.0.0.1", "2130706433")]
    [InlineData("127.0.0.1", "0x7f.1")]
    [InlineData("github.com", "")]
    [InlineData("github.com", "git hub.com")]
    public void Match_OtherHost_DoesNotMatch(string pattern, string host)
    {
        Assert.Null(CreateSut(pattern).Match(host));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("*", "would allow every host")]
    [InlineData("*.com", "too broad")]
    [InlineData("https://github.com", "is a URL")]
    [InlineData("github.com/org", "is a URL")]
    [InlineData("user@github.com", "is a URL")]
    [InlineData("github.com:443", "has a port")]
    [InlineData("git*.com", "not a host name")]
    [InlineData("a.*.com", "not a host name")]
    [InlineData("-bad.com", "not a host name")]
    [InlineData("1.2.3", "not a host name")]
    [InlineData("2130706433", "not a host name")]
    public void TryParse_UnusablePattern_SaysWhy(string pattern, string reason)
    {
        var parsed = HostPattern.TryParse(pattern, out var error);

        Assert.Null(parsed);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_ExactAndWildcardBothMatch_TheExactEntryIsTheOneThatAllows()
    {
        var match = CreateSut("*.example.com", "api.example.com").Match("API.example.com");

        Assert.Equal("api.example.com", match!.Text);
        Assert.False(match.IsWildcard);
    }

    [Fact]
    public void Parse_Duplicates_AreKeptOnceInOrder()
    {
        var sut = CreateSut("pypi.org", "*.pythonhosted.org", "PYPI.org");

        Assert.Equal("pypi.org, *.pythonhosted.org", sut.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("169.254.169.254")]
    [InlineData("0.0.0.0")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("fe80::1")]
    [InlineData("224.0.0.1")]
    public void MayConnect_WildcardToALocalAddress_IsRefusedButAnExactNameMay(string address)
    {
        var ip = IPAddress.Parse(address);

        Assert.False(HostAllowlist.MayConnect(HostPattern.TryParse("*.example.com", out _)!, ip));
        Assert.True(HostAllowlist.MayConnect(HostPattern.TryParse("localhost", out _)!, ip));
    }

    [Fact]
    public void MayConnect_WildcardToAPublicOrPrivateAddress_IsAllowed()
    {
        var wildcard = HostPattern.TryParse("*.example.com", out _)!;

        Assert.True(HostAllowlist.MayConnect(wildcard, IPAddress.Parse("93.184.216.34")));
        Assert.True(HostAllowlist.MayConnect(wildcard, IPAddress.Parse("10.1.2.3")));
    }
}
