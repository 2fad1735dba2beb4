using SandboxMcp.Shell;

namespace SandboxMcp.Tests.Shell;

public sealed class ShellScriptsTests
{
    [Fact]
    public void CommandLine_WithoutWorkdir_QuotesTheCommandAndEndsWithNonce()
    {
        var line = ShellScripts.CommandLine("echo 'hi'", null, "__MCP_n__");

        Assert.Equal("__mcp_run 'echo '\\''hi'\\'''; __mcp_end __MCP_n__\n", line);
    }

    [Fact]
    public void CommandLine_WithWorkdir_PassesItAsSecondQuotedArgument()
    {
        var line = ShellScripts.CommandLine("pwd", "/my dir", "__MCP_n__");

        Assert.Equal("__mcp_run 'pwd' '/my dir'; __mcp_end __MCP_n__\n", line);
    }

    [Fact]
    public void Prelude_StatePath_IsQuotedNotSpliced()
    {
        var prelude = ShellScripts.Prelude("/x/it's $(evil)/shell.env", "__R__");

        Assert.Contains("__mcp_state='/x/it'\\''s $(evil)/shell.env'", prelude, StringComparison.Ordinal);
    }

    [Fact]
    public void KillTreeArgv_IsAnArgumentVectorWithThePidAsData()
    {
        var argv = ShellScripts.KillTreeArgv(1234, includeRoot: true);

        Assert.Equal(["sh", "-c", ShellScripts.KillTree, "sandbox-mcp-kill", "1234", "1"], argv);
    }

    [Fact]
    public void KillFamilyArgv_SignalsTheGroupWithGraceInTenths()
    {
        var argv = ShellScripts.KillFamilyArgv(77, "INT", TimeSpan.FromSeconds(3));

        Assert.Equal(["sh", "-c", ShellScripts.KillTree, "sandbox-mcp-kill", "77", "1", "INT", "1", "30"], argv);
    }

    [Fact]
    public void Nonce_IsFreshAndUnguessable()
    {
        var nonces = Enumerable.Range(0, 1000).Select(_ => ShellSession.NewNonce()).ToHashSet();

        Assert.Equal(1000, nonces.Count);
        Assert.All(nonces, n => Assert.Matches("^__MCP_[0-9a-f]{24}__$", n));
    }
}
