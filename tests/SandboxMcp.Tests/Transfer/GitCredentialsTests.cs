using System.Text;
using SandboxMcp.Transfer.Git;

namespace SandboxMcp.Tests.Transfer;

public sealed class GitCredentialsTests
{
    [Fact]
    public void Environment_WithToken_CarriesItOnlyAsABasicHeaderConfigEntry()
    {
        var env = GitCredentials.Environment("t0k3n");

        Assert.Equal("1", env["GIT_CONFIG_COUNT"]);
        Assert.Equal("http.extraHeader", env["GIT_CONFIG_KEY_0"]);
        Assert.Equal("Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:t0k3n")), env["GIT_CONFIG_VALUE_0"]);
        Assert.Equal("0", env["GIT_TERMINAL_PROMPT"]);
        Assert.Single(env.Values, v => v.Contains("Authorization", StringComparison.Ordinal));
    }

    [Fact]
    public void Environment_WithoutToken_HasNoConfigEntries() =>
        Assert.DoesNotContain("GIT_CONFIG_COUNT", GitCredentials.Environment(null).Keys);

    [Fact]
    public void Scrubber_GitStderr_LosesTokenHeaderAndUrlPassword()
    {
        var scrubber = new SecretScrubber(GitCredentials.Secrets("t0k3n", "https://me:p%40ss@host/r.git"));
        var header = GitCredentials.Header("t0k3n");

        var text = scrubber.Scrub($"fatal: unable to access 'https://me:p%40ss@host/r.git/': {header} t0k3n p@ss");

        Assert.DoesNotContain("t0k3n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("p%40ss", text, StringComparison.Ordinal);
        Assert.DoesNotContain("p@ss", text, StringComparison.Ordinal);
        Assert.DoesNotContain(header[22..], text, StringComparison.Ordinal);
        Assert.Contains("fatal: unable to access", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ProgressLines_CarriageReturns_SplitIntoScrubbedLinesAndTailKeepsLastOfEachPhase()
    {
        var lines = new GitProgressLines(new SecretScrubber(["s3cret"]));

        var first = lines.Feed("Cloning into 'x'...\nReceiving objects:  10% (1/10)\rReceiving obj");
        var second = lines.Feed("ects: 100% (10/10), done.\nfatal: s3cret here");

        Assert.Equal(["Cloning into 'x'...", "Receiving objects:  10% (1/10)"], first);
        Assert.Equal(["Receiving objects: 100% (10/10), done."], second);
        Assert.Equal("Cloning into 'x'...\nReceiving objects: 100% (10/10), done.\nfatal: *** here", lines.Tail());
    }
}
