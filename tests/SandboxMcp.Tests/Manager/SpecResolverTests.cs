using SandboxMcp.Common;
using SandboxMcp.Configuration;
using SandboxMcp.Manager;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Tests.Manager;

public sealed class SpecResolverTests
{
    private static SpecResolver CreateSut(SandboxMcpOptions? options = null) => new(options ?? new SandboxMcpOptions());

    [Fact]
    public void Resolve_NoConfiguration_UsesBuiltInDefaultsAndAutoTier()
    {
        var resolved = CreateSut().Resolve("default", SandboxRequest.FromProfile);

        Assert.Null(resolved.RequestedTier);
        Assert.Equal(2, resolved.Spec.Cpus);
        Assert.Equal(1L << 30, resolved.Spec.MemoryBytes);
        Assert.Equal(NetworkMode.Unspecified, resolved.Spec.Network);
        Assert.Equal("localhost/sandbox-mcp-base:bookworm", resolved.Spec.Image);
    }

    [Fact]
    public void Resolve_CallOverProfileOverDefaultsOverBuiltIn()
    {
        var options = new SandboxMcpOptions
        {
            DefaultTier = "native",
            SandboxDefaults = new ProfileOptions { Memory = "256m", Cpus = 1, Pids = 100 },
            Profiles = { ["ml"] = new ProfileOptions { Tier = "vm", Memory = "2g", Image = "localhost/ml" } },
        };

        var fromProfile = CreateSut(options).Resolve("ml", SandboxRequest.FromProfile);
        var fromCall = CreateSut(options).Resolve("ml", new SandboxRequest(Memory: "3g", Tier: "seatbelt"));
        var other = CreateSut(options).Resolve("other", SandboxRequest.FromProfile);

        Assert.Equal((SandboxTier.Vm, 2L << 30, 1.0, 100, "localhost/ml"), (fromProfile.RequestedTier!.Value, fromProfile.Spec.MemoryBytes, fromProfile.Spec.Cpus, fromProfile.Spec.Pids, fromProfile.Spec.Image!));
        Assert.Equal((SandboxTier.Seatbelt, 3L << 30), (fromCall.RequestedTier!.Value, fromCall.Spec.MemoryBytes));
        Assert.Equal((SandboxTier.Native, 256L << 20), (other.RequestedTier!.Value, other.Spec.MemoryBytes));
    }

    [Theory]
    [InlineData("tier", "warp")]
    [InlineData("memory", "3")]
    [InlineData("network", "wifi")]
    [InlineData("image", "-rm")]
    [InlineData("image", "has space")]
    public void Resolve_InvalidCallValue_ThrowsNamingIt(string field, string value)
    {
        var request = field switch
        {
            "tier" => new SandboxRequest(Tier: value),
            "memory" => new SandboxRequest(Memory: value),
            "network" => new SandboxRequest(Network: value),
            _ => new SandboxRequest(Image: value),
        };

        var ex = Assert.Throws<SandboxException>(() => CreateSut().Resolve("x", request));

        Assert.Contains(field, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Environment_PassEnvTakesOnlyNamedServerVariables()
    {
        System.Environment.SetEnvironmentVariable("SBX_TEST_PASSED", "yes");
        var options = new SandboxMcpOptions { Profiles = { ["p"] = new ProfileOptions { PassEnv = ["SBX_TEST_PASSED", "SBX_TEST_UNSET"], Env = new() { ["FIXED"] = "1" } } } };

        var env = CreateSut(options).Environment("p");

        Assert.Equal(new Dictionary<string, string> { ["SBX_TEST_PASSED"] = "yes", ["FIXED"] = "1" }, env);
    }

    [Fact]
    public void Resolve_AllowedHostsWithoutNetwork_MeansAllowlistWithDefaultsMerged()
    {
        var options = new SandboxMcpOptions
        {
            SandboxDefaults = new ProfileOptions { AllowedHosts = ["pypi.org"] },
            Profiles = { ["web"] = new ProfileOptions { AllowedHosts = ["*.pythonhosted.org", "pypi.org"] } },
        };

        var spec = CreateSut(options).Resolve("web", SandboxRequest.FromProfile).Spec;

        Assert.Equal(NetworkMode.Allowlist, spec.Network);
        Assert.Equal(["pypi.org", "*.pythonhosted.org"], spec.AllowedHosts);
    }

    [Fact]
    public void Resolve_ProfileNetworkNone_WinsOverAllowedHostsOfTheDefaults()
    {
        var options = new SandboxMcpOptions
        {
            SandboxDefaults = new ProfileOptions { AllowedHosts = ["pypi.org"] },
            Profiles = { ["offline"] = new ProfileOptions { Network = "none" } },
        };

        var offline = CreateSut(options).Resolve("offline", SandboxRequest.FromProfile).Spec;
        var call = CreateSut(options).Resolve("other", new SandboxRequest(Network: "default")).Spec;

        Assert.Equal((NetworkMode.None, 0), (offline.Network, offline.AllowedHosts.Count));
        Assert.Equal((NetworkMode.Default, 0), (call.Network, call.AllowedHosts.Count));
    }

    [Fact]
    public void Resolve_AllowlistWithoutHosts_IsRefusedSayingWhatToSet()
    {
        var ex = Assert.Throws<SandboxException>(() => CreateSut().Resolve("web", new SandboxRequest(Network: "allowlist")));

        Assert.Contains("set allowedHosts", ex.Message, StringComparison.Ordinal);
    }
}
