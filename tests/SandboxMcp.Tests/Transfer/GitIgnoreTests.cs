using SandboxMcp.Transfer.Sync;

namespace SandboxMcp.Tests.Transfer;

public sealed class GitIgnoreTests
{
    private static readonly GitIgnore Rules = GitIgnore.Parse("""
        # comment
        *.log
        !keep.log
        build/
        /rooted.txt
        docs/*.tmp
        **/cache
        out/**
        a/**/z
        \#literal
        file[0-9].txt
        trailing   

        """);

    [Theory]
    [InlineData("app.log", false, true)]
    [InlineData("deep/dir/app.log", false, true)]
    [InlineData("keep.log", false, false)]
    [InlineData("build", true, true)]
    [InlineData("build", false, false)]
    [InlineData("src/build", true, true)]
    [InlineData("build/x/y.c", false, true)]
    [InlineData("rooted.txt", false, true)]
    [InlineData("sub/rooted.txt", false, false)]
    [InlineData("docs/a.tmp", false, true)]
    [InlineData("docs/deep/a.tmp", false, false)]
    [InlineData("x/y/cache", true, true)]
    [InlineData("cache", false, true)]
    [InlineData("out/a/b", false, true)]
    [InlineData("a/z", false, true)]
    [InlineData("a/b/c/z", false, true)]
    [InlineData("#literal", false, true)]
    [InlineData("file7.txt", false, true)]
    [InlineData("fileX.txt", false, false)]
    [InlineData("trailing", false, true)]
    [InlineData(".git", true, true)]
    [InlineData(".git/HEAD", false, true)]
    [InlineData("src/main.c", false, false)]
    public void IsIgnored_CommonPatterns_MatchLikeGit(string path, bool isDirectory, bool expected) =>
        Assert.Equal(expected, Rules.IsIgnored(path, isDirectory));

    [Fact]
    public void IsIgnored_NegatedFileInsideIgnoredDirectory_StaysIgnored()
    {
        var rules = GitIgnore.Parse("logs/\n!logs/keep.txt\n");

        Assert.True(rules.IsIgnored("logs/keep.txt", false));
    }
}
