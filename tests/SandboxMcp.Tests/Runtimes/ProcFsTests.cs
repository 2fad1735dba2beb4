using SandboxMcp.Runtimes.Native;

namespace SandboxMcp.Tests.Runtimes;

public sealed class ProcFsTests
{
    [Fact]
    public void TryParseStat_CommandWithSpacesAndParentheses_ParsesFieldsAfterTheLastParenthesis()
    {
        const string stat = "4242 (evil ) (name) S 1 4242 4240 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 12345 1000000 256 18446744073709551615";

        Assert.True(ProcFs.TryParseStat(4242, stat, out var parsed));

        Assert.Equal(1, parsed.ParentPid);
        Assert.Equal(4240, parsed.Session);
        Assert.Equal(256L * Environment.SystemPageSize, parsed.RssBytes);
    }

    [Fact]
    public void TryParseStat_Truncated_ReturnsFalse() => Assert.False(ProcFs.TryParseStat(1, "1 (sh) S 0", out _));

    [Fact]
    public void ListProcesses_IncludesThisProcess()
    {
        Assert.Contains(ProcFs.ListProcesses(), p => p.Pid == Environment.ProcessId && p.RssBytes > 0);
    }
}
