using ModelContextProtocol.Server;
using SandboxMcp.Hosting;

namespace SandboxMcp.Tests.Hosting;

/// <summary>The server's tool set, built in the background: nothing waits for it before it is asked for.</summary>
public sealed class DeferredToolCollectionTests
{
    private static McpServerTool Tool(string name) => McpServerTool.Create(() => name, new McpServerToolCreateOptions { Name = name });

    [Fact]
    public void Construction_DoesNotWaitForTheBuild()
    {
        var building = new TaskCompletionSource<McpServerTool[]>();

        var tools = new DeferredToolCollection(building.Task);

        Assert.False(building.Task.IsCompleted);
        Assert.NotNull(tools);
    }

    [Fact]
    public async Task Enumeration_WaitsForTheBuildAndKeepsTheDeclaredOrder()
    {
        string[] names = ["exec", "python", "write_file", "read_file", "batch_write", "env", "create", "status"];
        var building = new TaskCompletionSource<McpServerTool[]>();
        var tools = new DeferredToolCollection(building.Task);

        var listing = Task.Run(() => tools.Select(t => t.ProtocolTool.Name).ToArray(), TestContext.Current.CancellationToken);
        building.SetResult([.. names.Select(Tool)]);

        Assert.Equal(names, await listing);
        Assert.Equal(names, tools.ToArray().Select(t => t.ProtocolTool.Name));
    }

    [Fact]
    public void TryGetPrimitive_FindsABuiltToolByName()
    {
        var exec = Tool("exec");
        var tools = new DeferredToolCollection(Task.FromResult(new[] { exec, Tool("python") }));

        Assert.True(tools.TryGetPrimitive("exec", out var found));
        Assert.Same(exec, found);
        Assert.False(tools.TryGetPrimitive("rm_rf", out _));
        Assert.True(tools.Contains(exec));
        Assert.Equal(["exec", "python"], tools.PrimitiveNames.Order());
    }

    [Fact]
    public void Loading_RaisesNoChangedEvent_SoClientsGetNoSpuriousListChangedNotification()
    {
        var tools = new DeferredToolCollection(Task.FromResult(new[] { Tool("exec") }));
        var changes = 0;
        tools.Changed += (_, _) => changes++;

        _ = tools.ToArray();

        Assert.Equal(0, changes);
    }

    [Fact]
    public void Changes_AreRefused_TheSetIsFixed()
    {
        var tools = new DeferredToolCollection(Task.FromResult(new[] { Tool("exec") }));

        Assert.Throws<NotSupportedException>(() => tools.TryAdd(Tool("other")));
        Assert.Throws<NotSupportedException>(tools.Clear);
    }
}
