using SandboxMcp.Common;

namespace SandboxMcp.Tests.Common;

public sealed class InputValidationTests
{
    [Theory]
    [InlineData("default")]
    [InlineData("web-1")]
    [InlineData("a.b_c")]
    [InlineData("0")]
    public void SandboxName_Valid_IsReturned(string name) => Assert.Equal(name, InputValidation.SandboxName(name));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Upper")]
    [InlineData("-lead")]
    [InlineData(".hidden")]
    [InlineData("has space")]
    [InlineData("../up")]
    [InlineData("a/b")]
    [InlineData("toolong-toolong-toolong-toolong-toolong-toolong-toolong-toolong1")]
    public void SandboxName_Invalid_Throws(string? name) =>
        Assert.Contains("Invalid sandbox name", Assert.Throws<SandboxException>(() => InputValidation.SandboxName(name)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("PATH", true)]
    [InlineData("_x1", true)]
    [InlineData("1x", false)]
    [InlineData("A-B", false)]
    [InlineData("A=B", false)]
    [InlineData("", false)]
    public void IsEnvKey_FollowsPosixNames(string key, bool valid) => Assert.Equal(valid, InputValidation.IsEnvKey(key));

    [Theory]
    [InlineData(null, 30)]
    [InlineData(1.0, 1)]
    [InlineData(0.5, 0.5)]
    [InlineData(3600.0, 3600)]
    public void Timeout_InRange_IsAccepted(double? seconds, double expected) =>
        Assert.Equal(TimeSpan.FromSeconds(expected), InputValidation.Timeout(seconds, 30, 3600));

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(3601.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Timeout_OutOfRange_Throws(double seconds) =>
        Assert.Contains("bg", Assert.Throws<SandboxException>(() => InputValidation.Timeout(seconds, 30, 3600)).Message, StringComparison.Ordinal);

    [Fact]
    public void ShellText_Nul_IsRejectedWithAHint() =>
        Assert.Contains("base64", Assert.Throws<SandboxException>(() => InputValidation.ShellText("a\0b", "command")).Message, StringComparison.Ordinal);

    [Fact]
    public void Printable_LongAndMultiline_IsShortenedAndEscaped()
    {
        var printable = InputValidation.Printable(new string('x', 100) + "\n");

        Assert.Equal(81, printable.Length);
        Assert.DoesNotContain('\n', printable);
    }
}
