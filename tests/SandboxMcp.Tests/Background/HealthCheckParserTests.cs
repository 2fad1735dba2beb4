using System.Text.Json;
using SandboxMcp.Background;
using SandboxMcp.Common;

namespace SandboxMcp.Tests.Background;

public sealed class HealthCheckParserTests
{
    private static HealthCheck? Parse(string json) => HealthCheckParser.Parse(JsonDocument.Parse(json).RootElement.Clone());

    [Fact]
    public void Parse_HttpWithUrlOnly_UsesTheDefaults()
    {
        var check = Parse("""{"type": "http", "url": "http://127.0.0.1:8000/health"}""");

        Assert.Equal(new HealthCheck(HealthCheckType.Http, "http://127.0.0.1:8000/health", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), 3, TimeSpan.Zero), check);
    }

    [Fact]
    public void Parse_TcpWithEverySetting_ReadsThemAll()
    {
        var check = Parse("""{"type": "tcp", "port": 5432, "interval_s": 0.5, "timeout_s": 2, "retries": 5, "start_period_s": 30}""");

        Assert.Equal(new HealthCheck(HealthCheckType.Tcp, "5432", TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2), 5, TimeSpan.FromSeconds(30)), check);
    }

    [Fact]
    public void Parse_ObjectInAJsonString_IsAccepted()
    {
        var check = Parse("""  "{\"type\": \"command\", \"command\": \"pg_isready\"}"  """);

        Assert.Equal(HealthCheckType.Command, check!.Type);
        Assert.Equal("pg_isready", check.Target);
    }

    [Fact]
    public void Parse_NullOrMissing_IsNoHealthCheck()
    {
        Assert.Null(HealthCheckParser.Parse(null));
        Assert.Null(Parse("null"));
    }

    [Theory]
    [InlineData("""{"type": "http", "url": "http://x/", "intervall_s": 3}""", "unknown key 'intervall_s'")]
    [InlineData("""{"url": "http://x/"}""", "'type' is missing")]
    [InlineData("""{"type": "grpc"}""", "type 'grpc' is not")]
    [InlineData("""{"type": "http"}""", "needs 'url'")]
    [InlineData("""{"type": "http", "url": "ftp://x/"}""", "not an absolute http:// or https:// URL")]
    [InlineData("""{"type": "tcp"}""", "needs 'port'")]
    [InlineData("""{"type": "tcp", "port": 70000}""", "'port' must be a whole number from 1 to 65535")]
    [InlineData("""{"type": "tcp", "port": 80.5}""", "'port' must be a whole number")]
    [InlineData("""{"type": "command", "command": " "}""", "needs 'command'")]
    [InlineData("""{"type": "command", "command": "true", "interval_s": 0}""", "'interval_s' must be a number of seconds from 0.5 to 3600")]
    [InlineData("""{"type": "command", "command": "true", "retries": 0}""", "'retries' must be a whole number from 1 to 100")]
    [InlineData("""[1, 2]""", "it is a array")]
    [InlineData("""  "not json"  """, "a string that is not JSON")]
    public void Parse_Mistake_SaysWhatIsWrongAndShowsTheShape(string json, string expected)
    {
        var error = Assert.Throws<SandboxException>(() => Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("Shape: {\"type\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HealthCheckArgv_Command_IsAPositionalArgumentNotScriptText()
    {
        var check = new HealthCheck(HealthCheckType.Command, "curl -f localhost'; rm -rf /", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5), 1, TimeSpan.Zero);

        var argv = BackgroundScripts.HealthCheckArgv(check);

        Assert.Equal(["sh", "-c", BackgroundScripts.CommandCheck, "sandbox-mcp-health", "2.5", "curl -f localhost'; rm -rf /"], argv);
    }

    [Fact]
    public void HealthCheckArgv_Tcp_GivesNcAWholeSecondTimeout()
    {
        var check = new HealthCheck(HealthCheckType.Tcp, "8080", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.3), 1, TimeSpan.Zero);

        Assert.Equal(["8080", "0.3", "1"], BackgroundScripts.HealthCheckArgv(check).Skip(4));
    }
}
