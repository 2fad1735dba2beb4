using SandboxMcp.Runtimes.Bubblewrap;
using SandboxMcp.Runtimes.Policy;
using SandboxMcp.Tests.Runtimes.Seatbelt;

namespace SandboxMcp.Tests.Runtimes.Bubblewrap;

/// <summary>The exact bwrap holder and nsenter argv for a set of policies (Golden/Bubblewrap/).</summary>
public sealed class BubblewrapArgumentsGoldenTests
{
    private const string State = "/home/me/.local/state/sandbox-mcp";

    private static readonly SandboxPolicy Minimal = new()
    {
        SandboxDirectory = State + "/seatbelt/default",
        TempDirectory = State + "/seatbelt/default/.tmp",
        StateDirectory = State,
        SystemPaths = ["/usr", "/etc", "/opt"],
        SystemLinks = [new PathLink("/bin", "usr/bin"), new PathLink("/lib64", "usr/lib64")],
        DeniedPaths = ["/home/me/.ssh", "/home/me/.aws", "/etc/shadow", "/etc/ssl/private", "/home/me/.kube"],
    };

    /// <summary>HOME readable with credentials inside it, paths with spaces, quotes and non-ASCII, network, sandbox-ctl.</summary>
    private static readonly SandboxPolicy Extras = Minimal with
    {
        SandboxDirectory = State + "/seatbelt/ml",
        TempDirectory = State + "/seatbelt/ml/.tmp",
        ReadOnlyPaths = ["/home/me", "/data/My Models/it's \"v2\""],
        ReadWritePaths = ["/home/me/src/naïve-日本"],
        DeniedPaths = [.. Minimal.DeniedPaths, "/home/me/src/naïve-日本/.env"],
        NetworkAllowed = true,
        CtlSocket = State + "/sockets/ml/ctl.sock",
    };

    private static readonly Dictionary<string, HostPathKind> Host = new(StringComparer.Ordinal)
    {
        ["/home/me/.ssh"] = HostPathKind.Directory,
        ["/home/me/.aws"] = HostPathKind.Directory,
        ["/etc/shadow"] = HostPathKind.File,
        ["/etc/ssl/private"] = HostPathKind.Directory,
        ["/home/me/src/naïve-日本/.env"] = HostPathKind.File,
    };

    private static HostPathKind Kind(string path) => Host.GetValueOrDefault(path, HostPathKind.Missing);

    [Fact]
    public void Holder_Minimal_MatchesGolden()
    {
        var argv = BubblewrapArguments.Holder("/usr/bin/bwrap", Minimal, "default", Minimal.SandboxDirectory, dropCapabilities: false, Kind);

        GoldenText.Matches(GoldenText.Argv(argv), "Bubblewrap", "holder-minimal.json");
    }

    [Fact]
    public void Holder_ExtrasAsRoot_MatchesGolden()
    {
        var argv = BubblewrapArguments.Holder("/usr/bin/bwrap", Extras, "ml", Extras.SandboxDirectory, dropCapabilities: true, Kind);

        GoldenText.Matches(GoldenText.Argv(argv), "Bubblewrap", "holder-extras.json");
    }

    [Fact]
    public void Enter_OwnNetwork_MatchesGolden()
    {
        var argv = BubblewrapArguments.Enter("/usr/bin/setsid", "/usr/bin/nsenter", "/usr/bin/setpriv", 4242, ownNetwork: true, "/home/me/it's here", "WRAPPER", ["sh", "-c", "echo 'hi'"]);

        GoldenText.Matches(GoldenText.Argv(argv), "Bubblewrap", "enter.json");
    }

    [Fact]
    public void Holder_DeniedPathsUnderVisibleRoots_AreMaskedAfterEveryBind()
    {
        var argv = BubblewrapArguments.Holder("/usr/bin/bwrap", Extras, "ml", Extras.SandboxDirectory, dropCapabilities: false, Kind).ToList();

        var lastBind = argv.FindLastIndex(a => a is "--bind" or "--ro-bind" && argv[argv.IndexOf(a) + 1] != "/dev/null");
        var sshMask = argv.IndexOf("/home/me/.ssh");
        var envMask = argv.LastIndexOf("/home/me/src/naïve-日本/.env");
        Assert.Equal("--tmpfs", argv[sshMask - 1]);
        Assert.Equal("/dev/null", argv[envMask - 1]);
        Assert.True(sshMask > argv.IndexOf("/home/me") && envMask > argv.IndexOf("/home/me/src/naïve-日本"), "masks must come after the binds they cover");
        Assert.DoesNotContain("/home/me/.kube", argv);
    }

    [Fact]
    public void Holder_Allowlist_MatchesGolden()
    {
        var policy = Minimal with { AllowedHosts = ["pypi.org", "*.pythonhosted.org"] };

        var argv = BubblewrapArguments.Holder("/usr/bin/bwrap", policy, "web", policy.SandboxDirectory, dropCapabilities: false, Kind, State + "/sockets/px-0123456789ab-4242");

        GoldenText.Matches(GoldenText.Argv(argv), "Bubblewrap", "holder-allowlist.json");
        Assert.Contains("--unshare-net", argv);
    }

    [Fact]
    public void Holder_NetworkDenied_UnsharesNet()
    {
        Assert.Contains("--unshare-net", BubblewrapArguments.Holder("bwrap", Minimal, "d", "id", false, Kind));
        Assert.DoesNotContain("--unshare-net", BubblewrapArguments.Holder("bwrap", Extras, "d", "id", false, Kind));
    }
}
