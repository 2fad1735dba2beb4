using SandboxMcp.Monitoring;

namespace SandboxMcp.Tests.Monitoring;

public sealed class DiskProbeTests
{
    [Fact]
    public void Parse_Kilobytes_BecomeBytes()
    {
        Assert.Equal(new DiskUsage(3072, 10240, 2048), DiskProbe.Parse("3 10 2\n"));
    }

    [Fact]
    public void Parse_UnknownFields_StayNull()
    {
        Assert.Equal(new DiskUsage(null, 10240, null), DiskProbe.Parse("- 10 -"));
        Assert.Equal(new DiskUsage(null, null, null), DiskProbe.Parse(""));
    }
}
