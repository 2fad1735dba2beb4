using System.Text;
using SandboxMcp.Children;

namespace SandboxMcp.Tests.Children;

public sealed class CtlRequestTests
{
    private static CtlRequest Parse(string json) => CtlRequest.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_NumericId_IsKeptAsText() => Assert.Equal("42", Parse("""{"id":42,"op":"ping"}""").Id);

    [Fact]
    public void Command_Argv_IsQuotedWordByWord()
    {
        var command = Parse("""{"op":"exec","argv":["echo","it's $HOME","; rm -rf /"]}""").Command();

        Assert.Equal("'echo' 'it'\\''s $HOME' '; rm -rf /'", command);
    }

    [Theory]
    [InlineData("""{"op":"exec","argv":[]}""", "non-empty array")]
    [InlineData("""{"op":"exec","argv":[1]}""", "non-empty array")]
    [InlineData("""{"op":"exec"}""", "'command' is required")]
    [InlineData("""{"op":"exec","argv":["a\u0000b"]}""", "NUL")]
    public void Command_Invalid_IsAnInvalidRequest(string json, string message)
    {
        var error = Assert.Throws<SpawnError>(() => Parse(json).Command());

        Assert.Equal(SpawnError.InvalidRequest, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("\"a string\"")]
    public void Parse_NotAnObject_IsAnInvalidRequest(string json) =>
        Assert.Equal(SpawnError.InvalidRequest, Assert.Throws<SpawnError>(() => Parse(json)).Code);
}
