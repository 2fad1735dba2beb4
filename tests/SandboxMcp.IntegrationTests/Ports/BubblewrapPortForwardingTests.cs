using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Ports;

/// <summary>
/// Port forwarding into bubblewrap sandboxes: their network namespace has only loopback, so every connection goes
/// through the one multiplexed python3 tunnel inside it; a forward is the only way in.
/// </summary>
public sealed class BubblewrapPortForwardingTests : PortForwardingTests
{
    protected override JsonObject Config => new() { ["defaultTier"] = "seatbelt" };

    protected override void RequireEngine() => Engines.Require("bwrap");

    protected override bool SandboxesShareANetwork => false;

    protected override bool SharesTheHostNetwork => false;
}
