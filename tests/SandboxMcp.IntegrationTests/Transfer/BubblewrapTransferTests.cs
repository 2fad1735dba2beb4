using System.Text.Json.Nodes;
using SandboxMcp.IntegrationTests.Infrastructure;

namespace SandboxMcp.IntegrationTests.Transfer;

/// <summary>Transfers into bubblewrap sandboxes (tar entered with <c>nsenter</c>).</summary>
public sealed class BubblewrapTransferTests : TransferTests
{
    protected override JsonObject Config => new() { ["defaultTier"] = "seatbelt" };

    protected override void RequireEngine() => Engines.Require("bwrap");

    /// <summary>The sandbox has no network: the bare repository is uploaded into it and cloned with file://.</summary>
    protected override async Task<string> ServeRepositoryAsync(string bareRepository)
    {
        await Server.CallOkAsync("upload", new { host_path = bareRepository, path = "served/repo.git" }, Ct);
        var where = await Server.ExecAsync("cd served/repo.git && pwd", cancellationToken: Ct);
        return "file://" + where.Stdout.Trim();
    }
}
