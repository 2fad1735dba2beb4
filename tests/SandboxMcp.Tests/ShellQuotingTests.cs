using SandboxMcp.Shell;

namespace SandboxMcp.Tests;

public sealed class ShellQuotingTests
{
    [Fact]
    public void Quote_PlainText_WrapsInSingleQuotes() => Assert.Equal("'abc'", ShellQuoting.Quote("abc"));
}
