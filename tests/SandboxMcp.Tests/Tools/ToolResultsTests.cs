using ModelContextProtocol.Protocol;
using SandboxMcp.Manager;
using SandboxMcp.Tools;

namespace SandboxMcp.Tests.Tools;

public sealed class ToolResultsTests
{
    [Fact]
    public void Command_TruncatedTimedOutWithNote_TextSaysAllOfIt()
    {
        var result = new CommandResult(124, "partial", "oops\n", 1000, true, 42, 0, "/w", "something happened");

        var text = ((TextContentBlock)ToolResults.Command(result).Content[0]).Text;

        Assert.Equal("partial\n[stdout truncated: 42 more bytes dropped]\n[stderr]\noops\n[exit code 124 · 1000 ms · timed out]\n[note: something happened]", text);
    }

    [Fact]
    public void Command_StructuredContent_IsSnakeCase()
    {
        var result = new CommandResult(0, "o", "", 5, false, 0, 0, "/w", null);

        var structured = ToolResults.Command(result).StructuredContent!.Value;

        Assert.Equal(0, structured.GetProperty("exit_code").GetInt32());
        Assert.Equal(5, structured.GetProperty("duration_ms").GetInt64());
        Assert.False(structured.TryGetProperty("note", out _));
    }

    [Fact]
    public void PythonCommand_CodeContainingQuotesAndHeredocLookalikes_IsPassedVerbatim()
    {
        const string code = "print('EOF')\n__MCP_PY_x\n";

        var command = ExecTools.PythonCommand(code);

        var delimiter = command[(command.IndexOf("<<'", StringComparison.Ordinal) + 3)..command.IndexOf("'\n", StringComparison.Ordinal)];
        Assert.StartsWith("__MCP_PY_", delimiter, StringComparison.Ordinal);
        Assert.EndsWith($"\n{code}{delimiter}\n", command, StringComparison.Ordinal);
        Assert.NotEqual(ExecTools.PythonCommand(code), command);
    }
}
