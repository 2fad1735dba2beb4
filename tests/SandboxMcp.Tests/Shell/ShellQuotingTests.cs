using System.Diagnostics;
using SandboxMcp.Shell;

namespace SandboxMcp.Tests.Shell;

public sealed class ShellQuotingTests
{
    public static TheoryData<string> NastyStrings => new()
    {
        "",
        "plain",
        "with space",
        "it's",
        "''",
        "'\\''",
        "\"double\" $HOME `date` $(id) ${PATH} \\ backslash",
        "line1\nline2\n",
        "glob * ? [a-z] ~ ~root",
        "; rm -rf / # && || | & > < >> <<EOF",
        "ünïcødé 🚀 \t tab",
        "-n",
        "--",
    };

    [Fact]
    public void Quote_PlainText_WrapsInSingleQuotes() => Assert.Equal("'abc'", ShellQuoting.Quote("abc"));

    [Fact]
    public void Quote_SingleQuote_IsClosedEscapedAndReopened() => Assert.Equal("'it'\\''s'", ShellQuoting.Quote("it's"));

    [Fact]
    public void Quote_Nul_IsRejected() => Assert.Throws<ArgumentException>(() => ShellQuoting.Quote("a\0b"));

    [Theory]
    [MemberData(nameof(NastyStrings))]
    public void Quote_AnyText_ExpandsToExactlyItselfInARealShell(string value)
    {
        // printf %s with the quoted word must print the original bytes: no expansion, splitting or globbing.
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("printf %s " + ShellQuoting.Quote(value));
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(value, output);
    }
}
