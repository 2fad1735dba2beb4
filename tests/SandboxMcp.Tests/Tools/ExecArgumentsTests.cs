using System.Text.Json.Nodes;
using SandboxMcp.Tools;

namespace SandboxMcp.Tests.Tools;

/// <summary>Which <c>tools/call</c> params the stdin reader answers itself; everything else is the SDK's.</summary>
public sealed class ExecArgumentsTests
{
    private static bool TryRead(string json, out ExecArguments arguments) => ExecArguments.TryRead(JsonNode.Parse(json), out arguments);

    [Fact]
    public void PlainExec_IsReadWithDefaults()
    {
        Assert.True(TryRead("""{"name":"exec","arguments":{"command":"echo hi"}}""", out var arguments));

        Assert.Equal(new ExecArguments("echo hi", "default", null, null), arguments);
    }

    [Fact]
    public void EveryKnownArgument_IsRead()
    {
        Assert.True(TryRead("""{"name":"exec","arguments":{"command":"ls","sandbox":"web","timeout":2.5,"workdir":"/tmp"},"_meta":{}}""", out var arguments));

        Assert.Equal(new ExecArguments("ls", "web", 2.5, "/tmp"), arguments);
    }

    [Fact]
    public void NullTimeoutAndWorkdir_MeanTheirDefaults()
    {
        Assert.True(TryRead("""{"name":"exec","arguments":{"command":"ls","timeout":null,"workdir":null}}""", out var arguments));

        Assert.Equal(new ExecArguments("ls", "default", null, null), arguments);
    }

    [Theory]
    [InlineData("""{"name":"python","arguments":{"command":"ls"}}""")]
    [InlineData("""{"name":"exec"}""")]
    [InlineData("""{"name":"exec","arguments":{}}""")]
    [InlineData("""{"name":"exec","arguments":{"command":42}}""")]
    [InlineData("""{"name":"exec","arguments":{"command":"ls","timeout":"5"}}""")]
    [InlineData("""{"name":"exec","arguments":{"command":"ls","sandbox":null}}""")]
    [InlineData("""{"name":"exec","arguments":{"command":"ls","extra":1}}""")]
    [InlineData("""{"name":"exec","arguments":"command=ls"}""")]
    [InlineData("""{"name":"exec","arguments":{"command":"ls"},"_meta":{"progressToken":"p1"}}""")]
    [InlineData("""{"name":"exec","arguments":{"command":"ls"},"task":{"ttl":1000}}""")]
    [InlineData("""{"name":["exec"],"arguments":{"command":"ls"}}""")]
    [InlineData("""["exec"]""")]
    public void AnyOtherShape_IsLeftToTheSdk(string json)
    {
        Assert.False(TryRead(json, out _));
    }

    [Fact]
    public void MissingParams_AreLeftToTheSdk()
    {
        Assert.False(ExecArguments.TryRead(null, out _));
    }
}
