using System.Text.Json.Nodes;

namespace SandboxMcp.IntegrationTests.Infrastructure;

/// <summary>A test class with one fresh server per test, configured for the tier under test.</summary>
public abstract class ServerTest : IAsyncLifetime
{
    private ServerHarness? _server;

    /// <summary>Configuration written before the server starts; by default every sandbox is native.</summary>
    protected virtual JsonObject Config => new() { ["defaultTier"] = "native" };

    /// <summary>Skips (or fails, when required) unless the engine is present.</summary>
    protected virtual void RequireEngine() => Engines.Require("native");

    /// <summary>Removes what the test left outside the server's state directory (containers, volumes, images).</summary>
    protected virtual Task CleanupAsync(ServerHarness server) => Task.CompletedTask;

    protected ServerHarness Server => _server ?? throw new InvalidOperationException("The server did not start.");

    /// <summary>The server, or null when the test was skipped before it started.</summary>
    protected ServerHarness? StartedServer => _server;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync()
    {
        RequireEngine();
        _server = await ServerHarness.StartAsync(new ServerOptions { Config = Config }, Ct);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            await CleanupAsync(_server);
        }

        GC.SuppressFinalize(this);
    }
}
