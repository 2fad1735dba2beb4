using NSubstitute;
using SandboxMcp.Common;
using SandboxMcp.Configuration;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Tests.Runtimes;

public sealed class RuntimeCatalogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ISandboxRuntime Runtime(string name, SandboxTier tier, bool available, string detail = "ok", bool canCreate = true)
    {
        var runtime = Substitute.For<ISandboxRuntime>();
        runtime.Name.Returns(name);
        runtime.Tier.Returns(tier);
        runtime.ProbeAsync(Arg.Any<CancellationToken>()).Returns(new RuntimeAvailability(available, detail));
        runtime.CanCreateAsync(Arg.Any<SandboxSpec>(), Arg.Any<CancellationToken>())
            .Returns(available && !canCreate ? RuntimeAvailability.Unavailable("image missing: run images/build-base.sh") : new RuntimeAvailability(available, detail));
        return runtime;
    }

    private static readonly SandboxSpec Spec = new() { Name = "s", Tier = SandboxTier.Native, Image = "localhost/base" };

    private static RuntimeCatalog CreateSut(string engine, params ISandboxRuntime[] runtimes) =>
        new(runtimes, new SandboxMcpOptions { Engine = engine });

    [Fact]
    public async Task Resolve_Auto_PicksTheStrongestAvailableTier()
    {
        var sut = CreateSut("auto", Runtime("native", SandboxTier.Native, true), Runtime("bwrap", SandboxTier.Seatbelt, true), Runtime("podman", SandboxTier.Vm, false));

        var runtime = await sut.ResolveAsync(null, Spec, Ct);

        Assert.Equal("bwrap", runtime.Name);
    }

    [Fact]
    public async Task Resolve_VmWithEngineAuto_PrefersAppleThenPodmanThenDocker()
    {
        var sut = CreateSut("auto", Runtime("docker", SandboxTier.Vm, true), Runtime("podman", SandboxTier.Vm, true));

        var runtime = await sut.ResolveAsync(SandboxTier.Vm, Spec, Ct);

        Assert.Equal("podman", runtime.Name);
    }

    [Fact]
    public async Task Resolve_EngineForced_UsesOnlyThatEngine()
    {
        var sut = CreateSut("docker", Runtime("podman", SandboxTier.Vm, true), Runtime("docker", SandboxTier.Vm, false, "daemon not running"));

        var ex = await Assert.ThrowsAsync<SandboxException>(() => sut.ResolveAsync(SandboxTier.Vm, Spec, Ct));

        Assert.Contains("docker: daemon not running", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("podman", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_NothingAvailable_ListsEveryReason()
    {
        var sut = CreateSut("auto", Runtime("podman", SandboxTier.Vm, false, "not installed: apt-get install podman"), Runtime("native", SandboxTier.Native, false, "no sh"));

        var ex = await Assert.ThrowsAsync<SandboxException>(() => sut.ResolveAsync(null, Spec, Ct));

        Assert.Contains("apt-get install podman", ex.Message, StringComparison.Ordinal);
        Assert.Contains("native: no sh", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_AutoWithEngineButNoImage_FallsBackToTheNextTier()
    {
        var sut = CreateSut("auto", Runtime("podman", SandboxTier.Vm, true, canCreate: false), Runtime("native", SandboxTier.Native, true));

        var runtime = await sut.ResolveAsync(null, Spec, Ct);

        Assert.Equal("native", runtime.Name);
    }

    [Fact]
    public async Task Resolve_VmAskedForExplicitly_DoesNotFallBackAndLeavesTheImageErrorToCreate()
    {
        var sut = CreateSut("auto", Runtime("podman", SandboxTier.Vm, true, canCreate: false), Runtime("native", SandboxTier.Native, true));

        var runtime = await sut.ResolveAsync(SandboxTier.Vm, Spec, Ct);

        Assert.Equal("podman", runtime.Name);
    }

    [Fact]
    public async Task ExplainWeakerTier_VmImageMissing_SaysWhyAndHowToFixIt()
    {
        var sut = CreateSut("auto", Runtime("podman", SandboxTier.Vm, true, canCreate: false), Runtime("bwrap", SandboxTier.Seatbelt, false, "bwrap is not installed"), Runtime("native", SandboxTier.Native, true));

        var note = await sut.ExplainWeakerTierAsync(SandboxTier.Native, Spec, Ct);

        Assert.Equal("tier native was chosen because stronger tiers cannot be used: podman: image missing: run images/build-base.sh; bwrap: bwrap is not installed", note);
    }

    [Fact]
    public async Task ExplainWeakerTier_StrongerTierUsableNow_SaysHowToGetIt()
    {
        var sut = CreateSut("auto", Runtime("podman", SandboxTier.Vm, true), Runtime("native", SandboxTier.Native, true));

        var note = await sut.ExplainWeakerTierAsync(SandboxTier.Native, Spec, Ct);

        Assert.Contains("tier vm (podman) can be used now", note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplainWeakerTier_StrongestTier_HasNothingToExplain()
    {
        var sut = CreateSut("auto", Runtime("podman", SandboxTier.Vm, true));

        Assert.Null(await sut.ExplainWeakerTierAsync(SandboxTier.Vm, Spec, Ct));
    }

    [Fact]
    public void ByName_FindsTheRuntimeOfAHandle()
    {
        var native = Runtime("native", SandboxTier.Native, true);
        var sut = CreateSut("auto", native);

        Assert.Same(native, sut.ByName("native"));
        Assert.Null(sut.ByName("apple"));
    }
}
