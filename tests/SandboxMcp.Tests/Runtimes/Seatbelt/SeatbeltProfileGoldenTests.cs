using SandboxMcp.Runtimes.Policy;
using SandboxMcp.Runtimes.Seatbelt;

namespace SandboxMcp.Tests.Runtimes.Seatbelt;

/// <summary>The exact SBPL text and sandbox-exec argv for a set of policies (Golden/Seatbelt/).</summary>
public sealed class SeatbeltProfileGoldenTests
{
    public static TheoryData<string> Cases() => ["minimal", "extras", "home-readable", "allowlist"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Profile_Text_MatchesGolden(string name)
    {
        var profile = SeatbeltProfile.From(Policy(name), ProxyPort(name));

        GoldenText.Matches(profile.Text, "Seatbelt", name + ".sb");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Profile_Argv_MatchesGolden(string name)
    {
        var argv = SeatbeltProfile.From(Policy(name), ProxyPort(name)).Argv("/Users/me/.local/state/sandbox-mcp/seatbelt/.profiles/x.sb", ["/bin/sh", "-c", "echo hi"]);

        GoldenText.Matches(GoldenText.Argv(argv), "Seatbelt", name + ".argv.json");
    }

    [Fact]
    public void Profile_PathsWithQuotesAndNonAscii_NeverAppearInTheText()
    {
        var profile = SeatbeltProfile.From(PolicySamples.Extras);

        Assert.DoesNotContain("quoted", profile.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("日本", profile.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("/Users/me", profile.Text, StringComparison.Ordinal);
        Assert.Contains(new KeyValuePair<string, string>("READ_ONLY_1", "/Users/me/it's \"quoted\" (v2)"), profile.Parameters);
    }

    [Fact]
    public void Profile_TextDependsOnlyOnTheNumberOfPaths()
    {
        var other = PolicySamples.Minimal with { SandboxDirectory = "/elsewhere/x", DeniedPaths = ["/a", "/b", "/c"] };

        Assert.Equal(SeatbeltProfile.From(PolicySamples.Minimal).Text, SeatbeltProfile.From(other).Text);
    }

    [Fact]
    public void Profile_Allowlist_AllowsOnlyTheProxyPortOnLoopback()
    {
        var text = SeatbeltProfile.From(PolicySamples.Allowlist, 51234).Text;
        var withoutPort = SeatbeltProfile.From(PolicySamples.Allowlist).Text;

        Assert.Contains("(allow network-outbound (remote tcp \"localhost:51234\"))", text, StringComparison.Ordinal);
        Assert.DoesNotContain("(allow network*)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("local ip", text, StringComparison.Ordinal);
        Assert.DoesNotContain("network-outbound", withoutPort, StringComparison.Ordinal);
        Assert.DoesNotContain("pypi.org", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplainNested_Exit71WithSandboxApply_SaysItCannotNest()
    {
        var message = SeatbeltRuntime.ExplainNested(71, "sandbox-exec: sandbox_apply: Operation not permitted\n");

        Assert.NotNull(message);
        Assert.Contains("cannot be nested", message, StringComparison.Ordinal);
        Assert.Null(SeatbeltRuntime.ExplainNested(71, "my own tool failed"));
        Assert.Null(SeatbeltRuntime.ExplainNested(1, "sandbox_apply"));
    }

    internal static SandboxPolicy Policy(string name) => name switch
    {
        "minimal" => PolicySamples.Minimal,
        "extras" => PolicySamples.Extras,
        "allowlist" => PolicySamples.Allowlist,
        _ => PolicySamples.HomeReadable,
    };

    private static int? ProxyPort(string name) => name == "allowlist" ? 51234 : null;
}
