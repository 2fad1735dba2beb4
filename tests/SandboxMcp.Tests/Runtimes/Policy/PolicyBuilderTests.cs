using SandboxMcp.Common;
using SandboxMcp.Runtimes;
using SandboxMcp.Runtimes.Policy;

namespace SandboxMcp.Tests.Runtimes.Policy;

public sealed class PolicyBuilderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("sbx-policy-");

    private string Home => Path.Combine(_root.FullName, "home");

    private string State => Path.Combine(_root.FullName, "state");

    public void Dispose() => _root.Delete(recursive: true);

    private PolicyBuilder CreateSut(string[]? system = null, string[]? secrets = null)
    {
        Directory.CreateDirectory(Home);
        return new PolicyBuilder(Home, system ?? [], secrets ?? []);
    }

    private SandboxPolicy Build(PolicyBuilder sut, SandboxSpec? spec = null) =>
        sut.Build(spec ?? new SandboxSpec { Name = "s", Tier = SandboxTier.Seatbelt }, Path.Combine(State, "seatbelt", "s"), Path.Combine(State, "seatbelt", "s", ".tmp"), State, null);

    [Fact]
    public void Build_Defaults_DenyEveryCredentialPathOfHomeAndNoNetwork()
    {
        var policy = Build(CreateSut(), new SandboxSpec { Name = "s", Tier = SandboxTier.Seatbelt, Network = NetworkMode.Unspecified });

        foreach (var credential in HostPaths.CredentialPaths)
        {
            Assert.Contains(Path.Combine(Home, credential), policy.DeniedPaths);
        }

        Assert.False(policy.NetworkAllowed);
        Assert.Empty(policy.ReadOnlyPaths);
    }

    [Fact]
    public void Build_NetworkDefault_AllowsNetwork()
    {
        var policy = Build(CreateSut(), new SandboxSpec { Name = "s", Tier = SandboxTier.Seatbelt, Network = NetworkMode.Default });

        Assert.True(policy.NetworkAllowed);
    }

    [Fact]
    public void Build_Allowlist_RecordsNormalizedHostsWithoutNetwork()
    {
        var spec = new SandboxSpec { Name = "s", Tier = SandboxTier.Seatbelt, Network = NetworkMode.Allowlist, AllowedHosts = ["PyPI.org.", "*.PythonHosted.org", "pypi.org"] };

        var policy = Build(CreateSut(), spec);
        var recorded = PolicyProperty.Read(new RuntimeHandle("bwrap", "x", "x", "x", new Dictionary<string, string> { [PolicyProperty.Key] = PolicyProperty.Serialize(policy) }));

        Assert.False(policy.NetworkAllowed);
        Assert.True(policy.UsesProxy);
        Assert.Equal(["pypi.org", "*.pythonhosted.org"], recorded.AllowedHosts);
    }

    [Fact]
    public void Build_HostsWithNetworkNone_AreNotRecorded()
    {
        var policy = Build(CreateSut(), new SandboxSpec { Name = "s", Tier = SandboxTier.Seatbelt, Network = NetworkMode.None, AllowedHosts = ["pypi.org"] });

        Assert.False(policy.UsesProxy);
        Assert.Empty(policy.AllowedHosts);
    }

    [Fact]
    public void Build_SymlinkedCredentialFolder_DeniesItsRealTarget()
    {
        var real = Directory.CreateDirectory(Path.Combine(_root.FullName, "vault", "ssh")).FullName;
        Directory.CreateDirectory(Home);
        File.CreateSymbolicLink(Path.Combine(Home, ".ssh"), real);

        var policy = Build(CreateSut());

        Assert.Contains(real, policy.DeniedPaths);
    }

    [Fact]
    public void Build_ExtraPaths_ExpandHomeAndResolveSymlinks()
    {
        var project = Directory.CreateDirectory(Path.Combine(Home, "src", "app")).FullName;
        File.CreateSymbolicLink(Path.Combine(Home, "app-link"), project);
        File.WriteAllText(Path.Combine(project, ".env"), "TOKEN=x");
        var spec = new SandboxSpec { Name = "s", Tier = SandboxTier.Seatbelt, ReadWritePaths = ["~/app-link"], ReadOnlyPaths = ["~"], DeniedPaths = ["~/src/app/.env"] };

        var policy = Build(CreateSut(), spec);

        Assert.Equal([project], policy.ReadWritePaths);
        Assert.Equal([Home], policy.ReadOnlyPaths);
        Assert.Contains(Path.Combine(project, ".env"), policy.DeniedPaths);
    }

    [Fact]
    public void Build_MissingExtraPath_NamesTheKey()
    {
        var spec = new SandboxSpec { Name = "s", Tier = SandboxTier.Seatbelt, ReadOnlyPaths = ["~/nope"] };

        var error = Assert.Throws<SandboxException>(() => Build(CreateSut(), spec));

        Assert.Contains("readOnlyPaths: ~/nope does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ExtraPathInsideADeniedPath_IsRefused()
    {
        Directory.CreateDirectory(Path.Combine(Home, ".aws", "cli"));
        var spec = new SandboxSpec { Name = "s", Tier = SandboxTier.Seatbelt, ReadOnlyPaths = ["~/.aws/cli"] };

        var error = Assert.Throws<SandboxException>(() => Build(CreateSut(), spec));

        Assert.Contains("inside the denied path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_WritableRootWhereACredentialPathCouldBeCreated_IsRefused()
    {
        var spec = new SandboxSpec { Name = "s", Tier = SandboxTier.Seatbelt, ReadWritePaths = ["~"] };

        var error = Assert.Throws<SandboxException>(() => Build(CreateSut(), spec));

        Assert.Contains("would let the sandbox create", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SystemPaths_KeepExistingOnesAndTurnSymlinksIntoLinks()
    {
        var usr = Directory.CreateDirectory(Path.Combine(_root.FullName, "sys", "usr")).FullName;
        Directory.CreateDirectory(Path.Combine(usr, "bin"));
        var bin = Path.Combine(_root.FullName, "sys", "bin");
        File.CreateSymbolicLink(bin, "usr/bin");
        var secret = Path.Combine(usr, "shadow");
        File.WriteAllText(secret, "x");

        var policy = Build(CreateSut([usr, bin, Path.Combine(_root.FullName, "sys", "missing")], [secret, Path.Combine(usr, "key_*")]));

        Assert.Equal([usr], policy.SystemPaths);
        Assert.Equal([new PathLink(bin, "usr/bin")], policy.SystemLinks);
        Assert.Contains(secret, policy.DeniedPaths);
    }
}
