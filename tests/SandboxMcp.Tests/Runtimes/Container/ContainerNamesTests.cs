using System.Text.RegularExpressions;
using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Tests.Runtimes.Container;

public sealed partial class ContainerNamesTests
{
    [Fact]
    public void Container_ShortName_IsPrefixOwnerAndSandbox()
    {
        Assert.Equal("mcp-sb-0123456789-web", ContainerNames.Container("0123456789", "web", 63));
    }

    [Fact]
    public void Container_LongestSandboxNameOnApple_FitsTheDnsLabelLimitAndTheIdRules()
    {
        var longest = "a" + new string('b', 61) + "z";
        var similar = "a" + new string('b', 61) + "y";

        var name = ContainerNames.Container("0123456789", longest, new AppleContainerCli().MaxNameLength);
        var other = ContainerNames.Container("0123456789", similar, new AppleContainerCli().MaxNameLength);

        Assert.True(name.Length <= 63, name);
        Assert.Matches(AppleIdRegex(), name);
        Assert.NotEqual(name, other);
        Assert.Equal(name, ContainerNames.Container("0123456789", longest, 63));
    }

    [Fact]
    public void Volume_LongNameOnApple_FitsAndMatchesTheVolumeRules()
    {
        var name = ContainerNames.Volume("0123456789", new string('x', 63), "cache-aptlists", 63);

        Assert.True(name.Length <= 63, name);
        Assert.Matches(AppleVolumeRegex(), name);
    }

    [Fact]
    public void Owner_DependsOnTheStateDirectoryOnly()
    {
        Assert.Equal(ContainerNames.Owner("/home/a/.local/state/sandbox-mcp"), ContainerNames.Owner("/home/a/.local/state/sandbox-mcp/"));
        Assert.NotEqual(ContainerNames.Owner("/home/a/.local/state/sandbox-mcp"), ContainerNames.Owner("/home/b/.local/state/sandbox-mcp"));
        Assert.Matches("^[0-9a-f]{10}$", ContainerNames.Owner("/x"));
    }

    [Fact]
    public void IsCaptured_OnlyThisOwnersSnapshotsAndClones()
    {
        Assert.True(ContainerNames.IsCaptured("0123456789", ContainerNames.SnapshotImage("0123456789", "first")));
        Assert.True(ContainerNames.IsCaptured("0123456789", ContainerNames.CloneImage("0123456789", "copy")));
        Assert.False(ContainerNames.IsCaptured("0123456789", ContainerNames.SnapshotImage("9999999999", "first")));
        Assert.False(ContainerNames.IsCaptured("0123456789", "localhost/sandbox-mcp-base:bookworm"));
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex AppleIdRegex();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex AppleVolumeRegex();
}
