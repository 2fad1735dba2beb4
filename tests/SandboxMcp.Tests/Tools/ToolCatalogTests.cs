using System.Text.Json;
using SandboxMcp.Hosting;

namespace SandboxMcp.Tests.Tools;

/// <summary>Tool names and parameters are a public contract: agents and users' docs depend on them.</summary>
public sealed class ToolCatalogTests
{
    private static readonly IReadOnlyList<ModelContextProtocol.Protocol.Tool> Tools = [.. ToolRegistration.Create().Select(t => t.ProtocolTool)];

    public static TheoryData<string> ContractNames =>
        [
            "exec", "python", "write_file", "read_file", "batch_write", "env", "create", "status", "list_all", "destroy", "reset", "history",
            "install", "stats", "health", "clone", "snapshot", "restore", "list_snapshots", "delete_snapshot", "build_image", "images",
            "bg", "logs", "kill",
            "upload", "download", "git_clone", "sync_start", "sync_stop",
            "expose", "unexpose", "network_info",
            "spawn", "children", "destroy_child",
        ];

    [Theory]
    [MemberData(nameof(ContractNames))]
    public void Catalog_ContractTool_IsRegisteredWithADescription(string name)
    {
        var tool = Assert.Single(Tools, t => t.Name == name);

        Assert.False(string.IsNullOrWhiteSpace(tool.Description));
    }

    [Theory]
    [InlineData("expose", "port", "host_port")]
    [InlineData("unexpose", "host_port", null)]
    public void Catalog_PortTools_TakeTheContractsArguments(string name, string required, string? optional)
    {
        var schema = Tools.Single(t => t.Name == name).InputSchema;

        Assert.Contains(required, schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        if (optional is not null)
        {
            Assert.True(schema.GetProperty("properties").TryGetProperty(optional, out _));
            Assert.DoesNotContain(optional, schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        }
    }

    [Fact]
    public void Catalog_Names_AreUniqueSnakeCase()
    {
        Assert.Equal(Tools.Count, Tools.Select(t => t.Name).Distinct().Count());
        Assert.All(Tools, t => Assert.Matches("^[a-z][a-z_]*$", t.Name));
    }

    [Fact]
    public void Catalog_EveryParameter_IsDescribedForTheModel()
    {
        foreach (var tool in Tools)
        {
            foreach (var property in tool.InputSchema.GetProperty("properties").EnumerateObject())
            {
                Assert.True(property.Value.TryGetProperty("description", out var description) && description.GetString()!.Length > 0, $"{tool.Name}.{property.Name} has no description");
            }
        }
    }

    [Fact]
    public void Catalog_SandboxParameter_DefaultsToDefaultAndIsOptional()
    {
        foreach (var tool in Tools.Where(t => t.InputSchema.GetProperty("properties").TryGetProperty("sandbox", out _)))
        {
            var sandbox = tool.InputSchema.GetProperty("properties").GetProperty("sandbox");
            Assert.Equal("default", sandbox.GetProperty("default").GetString());
            var required = tool.InputSchema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()) : [];
            Assert.DoesNotContain("sandbox", required);
        }
    }

    [Fact]
    public void Catalog_ExecResult_HasSnakeCaseOutputSchema()
    {
        var exec = Tools.Single(t => t.Name == "exec");

        var properties = exec.OutputSchema!.Value.GetProperty("properties");

        Assert.True(properties.TryGetProperty("exit_code", out _), JsonSerializer.Serialize(exec.OutputSchema));
        Assert.True(properties.TryGetProperty("stdout_truncated_bytes", out _));
    }
}
