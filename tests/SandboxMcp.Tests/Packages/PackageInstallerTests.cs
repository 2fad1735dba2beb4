using SandboxMcp.Common;
using SandboxMcp.Manager;
using SandboxMcp.Packages;

namespace SandboxMcp.Tests.Packages;

public sealed class PackageInstallerTests
{
    private static CommandResult Result(int exitCode, string stdout, string stderr = "", bool timedOut = false) =>
        new(exitCode, stdout, stderr, 1234, timedOut, 0, 0, "/workspace", null);

    [Theory]
    [InlineData("jq")]
    [InlineData("jq=1.6-2.1")]
    [InlineData("requests>=2.31")]
    [InlineData("requests[socks]<3")]
    [InlineData("@types/node@20")]
    [InlineData("libc6:amd64")]
    public void Validate_RealPackageSpecs_AreAccepted(string package)
    {
        Assert.Single(PackageInstaller.Validate([package], "auto"));
    }

    [Theory]
    [InlineData("-y")]
    [InlineData("--allow-unauthenticated")]
    [InlineData("jq; rm -rf /")]
    [InlineData("two words")]
    [InlineData("")]
    public void Validate_OptionsAndShellText_AreRefusedWithAnExample(string package)
    {
        var ex = Assert.Throws<SandboxException>(() => PackageInstaller.Validate([package], "auto"));

        Assert.Contains("e.g. jq", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownManager_NamesTheKnownOnes()
    {
        var ex = Assert.Throws<SandboxException>(() => PackageInstaller.Validate(["jq"], "brew"));

        Assert.Contains("apt, apk, pip, npm", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpret_Success_ListsTheManagerAndEveryPackageVersion()
    {
        var result = PackageInstaller.Interpret(Result(0, "manager apt\npkg jq 1.6-2.1\npkg curl 7.88.1-10\n"), "auto", TimeSpan.FromMinutes(10));

        Assert.Equal("apt", result.Manager);
        Assert.Equal([new InstalledPackage("jq", "1.6-2.1"), new InstalledPackage("curl", "7.88.1-10")], result.Packages);
        Assert.Equal(1234, result.DurationMs);
    }

    [Fact]
    public void Interpret_Failure_CarriesTheManagersOwnWords()
    {
        var ex = Assert.Throws<SandboxException>(() =>
            PackageInstaller.Interpret(Result(100, "manager apt\n", "E: Unable to locate package nope\n"), "auto", TimeSpan.FromMinutes(10)));

        Assert.Contains("apt could not install", ex.Message, StringComparison.Ordinal);
        Assert.Contains("E: Unable to locate package nope", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpret_TimedOut_SaysSoAndHowToFixIt()
    {
        var ex = Assert.Throws<SandboxException>(() =>
            PackageInstaller.Interpret(Result(124, "manager pip\n", timedOut: true), "pip", TimeSpan.FromSeconds(60)));

        Assert.Contains("timed out after 60 s", ex.Message, StringComparison.Ordinal);
    }
}
