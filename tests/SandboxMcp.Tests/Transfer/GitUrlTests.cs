using SandboxMcp.Common;
using SandboxMcp.Transfer.Git;

namespace SandboxMcp.Tests.Transfer;

public sealed class GitUrlTests
{
    [Theory]
    [InlineData("https://github.com/owner/repo.git")]
    [InlineData("http://127.0.0.1:8080/r")]
    [InlineData("git://127.0.0.1:9418/repo.git")]
    [InlineData("ssh://git@host:22/owner/repo.git")]
    [InlineData("file:///srv/repo.git")]
    [InlineData("git@github.com:owner/repo.git")]
    [InlineData("HTTPS://example.com/x")]
    public void Validate_AllowedUrl_IsReturned(string url) => Assert.Equal(url, GitUrl.Validate(url));

    [Theory]
    [InlineData("ext::sh -c touch% /tmp/pwned")]
    [InlineData("ext::sh")]
    [InlineData("fd::17")]
    [InlineData("-uupload-pack=touch")]
    [InlineData("--upload-pack=x")]
    [InlineData("ssh://-oProxyCommand=touch/x")]
    [InlineData("-oProxyCommand=x:repo")]
    [InlineData("ftp://example.com/repo.git")]
    [InlineData("/srv/repo.git")]
    [InlineData("repo")]
    [InlineData("https://exa mple.com/x")]
    [InlineData("https://example.com/x\n")]
    [InlineData("")]
    [InlineData("https:///nohost")]
    public void Validate_DangerousOrUnknownUrl_IsRefused(string url)
    {
        var error = Assert.Throws<SandboxException>(() => GitUrl.Validate(url));

        Assert.StartsWith("Invalid repository URL", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://user:secret@host/x", "https://***@host/x")]
    [InlineData("https://tok123@host/a@b", "https://***@host/a@b")]
    [InlineData("https://host/x", "https://host/x")]
    [InlineData("git@host:x", "git@host:x")]
    public void Redact_UserInfo_IsHidden(string url, string expected) => Assert.Equal(expected, GitUrl.Redact(url));

    [Fact]
    public void Validate_RefusedUrlWithPassword_DoesNotEchoThePassword()
    {
        var error = Assert.Throws<SandboxException>(() => GitUrl.Validate("ftp://user:hunter2@host/x"));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://github.com/owner/repo.git", "repo")]
    [InlineData("https://github.com/owner/repo/", "repo")]
    [InlineData("git@github.com:owner/tool.git", "tool")]
    [InlineData("file:///srv/repo.git/.git", "repo")]
    [InlineData("https://host/", "host")]
    public void DefaultDirectory_IsWhatGitWouldPick(string url, string expected) => Assert.Equal(expected, GitUrl.DefaultDirectory(url));
}
