using System.Text;
using ModelContextProtocol.Protocol;
using SandboxMcp.Hosting;

namespace SandboxMcp.Tests.Hosting;

/// <summary>The id of a request that could not be read whole: its caller gets an error rather than a wait.</summary>
public sealed class JsonRpcIdsTests
{
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":""", 7L)]
    [InlineData("""{"jsonrpc":"2.0","method":"tools/call","params":{"a":[1,{"b":2}]},"id":42,"x":""", 42L)]
    public void TryRecover_NumberId(string line, long expected)
    {
        Assert.True(JsonRpcIds.TryRecover(Encoding.UTF8.GetBytes(line), out var id));
        Assert.Equal(new RequestId(expected), id);
    }

    [Fact]
    public void TryRecover_IdAfterParamsNestedDeeperThanTheSerializerAllows()
    {
        var line = """{"jsonrpc":"2.0","params":""" + new string('[', 500) + new string(']', 500) + ""","id":3}""";

        Assert.True(JsonRpcIds.TryRecover(Encoding.UTF8.GetBytes(line), out var id));
        Assert.Equal(new RequestId(3), id);
    }

    [Fact]
    public void TryRecover_StringId()
    {
        Assert.True(JsonRpcIds.TryRecover("""{"id":"req-9","method":"x","params":{"""u8, out var id));
        Assert.Equal(new RequestId("req-9"), id);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/initialized","params":{""")]
    [InlineData("""{"jsonrpc":"2.0","id":null,"method":"x"}""")]
    [InlineData("""{"params":{"id":5},"method":"x",""")]
    [InlineData("""[{"id":1}]""")]
    [InlineData("not json at all")]
    [InlineData("")]
    public void TryRecover_NoUsableTopLevelId_ReturnsFalse(string line)
    {
        Assert.False(JsonRpcIds.TryRecover(Encoding.UTF8.GetBytes(line), out _));
    }
}
