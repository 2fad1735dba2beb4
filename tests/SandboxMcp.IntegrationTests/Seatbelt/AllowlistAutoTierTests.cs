using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Seatbelt;

/// <summary>
/// An allowlist for every sandbox with the tier left to auto-detection: the strongest tier that can honour it is
/// chosen, the vm tier when podman or docker and the base image are there (they have the allowlist too), else seatbelt.
/// </summary>
public sealed class AllowlistAutoTierTests : ServerTest
{
    protected override JsonObject Config => new()
    {
        ["defaultTier"] = "auto",
        ["engine"] = "podman",
        ["sandboxDefaults"] = new JsonObject { ["allowedHosts"] = new JsonArray("pypi.org") },
    };

    protected override void RequireEngine() => Engines.Require("bwrap");

    /// <summary>The sandbox may be a podman container.</summary>
    protected override async Task CleanupAsync(ServerHarness server)
    {
        if (ExecutablePath("podman"))
        {
            await VmEngine.CleanupAsync("podman", server);
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task Create_AutoTierWithAllowedHosts_IsTheStrongestTierWithTheAllowlist()
    {
        await Server.ExecAsync("true", cancellationToken: Ct);

        var status = await Server.CallOkAsync("status", cancellationToken: Ct);

        var vm = status.Text.Contains("podman (vm) available", StringComparison.Ordinal)
            && (await EngineCli.RunAsync("podman", ["image", "inspect", EngineCli.BaseImage], Ct)).ExitCode == 0;
        Assert.Contains(vm ? "tier vm" : "tier seatbelt", status.Text, StringComparison.Ordinal);
        Assert.Contains("network: allowlist: only pypi.org", status.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("has no network allowlist", status.Text, StringComparison.Ordinal);
    }

    private static bool ExecutablePath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));
}
