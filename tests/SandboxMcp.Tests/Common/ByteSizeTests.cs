using SandboxMcp.Common;

namespace SandboxMcp.Tests.Common;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("512m", 512L << 20)]
    [InlineData("2g", 2L << 30)]
    [InlineData("2G", 2L << 30)]
    [InlineData("1536k", 1536L << 10)]
    [InlineData("1.5g", 3L << 29)]
    [InlineData("100mb", 100L << 20)]
    [InlineData("1048576", 1048576)]
    public void TryParse_ValidSize_ReturnsBytes(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-5m")]
    [InlineData("0")]
    [InlineData("5x")]
    [InlineData("m")]
    [InlineData("99999999999999999999t")]
    public void TryParse_Invalid_ReturnsFalse(string text) => Assert.False(ByteSize.TryParse(text, out _));

    [Theory]
    [InlineData(512L << 20, "512m")]
    [InlineData(2L << 30, "2g")]
    [InlineData(1536L << 10, "1536k")]
    [InlineData(1000, "1000")]
    public void Format_RoundNumbers_UseTheLargestExactUnit(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));

    [Fact]
    public void Parse_Invalid_ThrowsSandboxExceptionNamingTheParameter()
    {
        var ex = Assert.Throws<SandboxException>(() => ByteSize.Parse("lots", "memory"));

        Assert.Contains("Invalid memory 'lots'", ex.Message, StringComparison.Ordinal);
    }
}
