using SandboxMcp.Children;
using SandboxMcp.Configuration;

namespace SandboxMcp.Tests.Children;

public sealed class SpawnPolicyTests
{
    [Fact]
    public void FromConfiguration_NoPolicy_IsNull() => Assert.Null(SpawnPolicy.FromConfiguration(null));

    [Fact]
    public void FromConfiguration_Defaults_MatchTheDocumentedShape()
    {
        var policy = SpawnPolicy.FromConfiguration(new SpawnPolicyOptions())!;

        Assert.Equal((3, 20, 2.0, 1L << 30, 600, false, true), (policy.MaxChildren, policy.MaxSpawns, policy.CpuBudget, policy.MemoryBudgetBytes, policy.ChildTtlSeconds, policy.ChildCanSpawn, policy.InjectCtl));
    }

    [Fact]
    public void DeriveForChild_HalvesEveryLimitAndForbidsFurtherSpawning()
    {
        var root = new SpawnPolicy(4, 20, 2, 1L << 30, [], 600, true, true);

        var child = root.DeriveForChild();

        Assert.Equal((2, 10, 1.0, 512L << 20, 300, false), (child.MaxChildren, child.MaxSpawns, child.CpuBudget, child.MemoryBudgetBytes, child.ChildTtlSeconds, child.ChildCanSpawn));
    }

    [Fact]
    public void DeriveForChild_NeverDropsToZeroChildren() =>
        Assert.Equal(1, new SpawnPolicy(1, 1, 1, 1L << 28, [], 10, true, true).DeriveForChild().MaxChildren);
}
