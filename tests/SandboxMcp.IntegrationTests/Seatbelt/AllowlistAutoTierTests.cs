using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Seatbelt;

/// <summary>An allowlist for every sandbox with the tier left to auto-detection: the vm tier cannot honour it, so the seatbelt tier is chosen.</summary>
public sealed class AllowlistAutoTierTests : ServerTest
{
    protected override JsonObject Config => new()
    {
        ["defaultTier"] = "auto",
        ["sandboxDefaults"] = new JsonObject { ["allowedHosts"] = new JsonArray("pypi.org") },
    };

    protected override void RequireEngine() => Engines.Require("bwrap");

    [Fact(Timeout = 90_000)]
    public async Task Create_AutoTierWithAllowedHosts_IsSeatbeltWithTheAllowlist()
    {
        await Server.ExecAsync("true", cancellationToken: Ct);

        var status = await Server.CallOkAsync("status", cancellationToken: Ct);

        Assert.Contains("tier seatbelt", status.Text, StringComparison.Ordinal);
        Assert.Contains("network: allowlist: only pypi.org", status.Text, StringComparison.Ordinal);
        if (status.Text.Contains("podman (vm) available", StringComparison.Ordinal))
        {
            Assert.Contains("podman: the vm tier has no network allowlist (allowedHosts)", status.Text, StringComparison.Ordinal);
        }
    }
}
