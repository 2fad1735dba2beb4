using SandboxMcp.Background;
using SandboxMcp.Common;

namespace SandboxMcp.Tests.Background;

public sealed class RestartPolicyTests
{
    [Theory]
    [InlineData(null, RestartPolicy.No)]
    [InlineData("no", RestartPolicy.No)]
    [InlineData("on-failure", RestartPolicy.OnFailure)]
    [InlineData("Always", RestartPolicy.Always)]
    [InlineData(" unless-stopped ", RestartPolicy.UnlessStopped)]
    public void Parse_KnownName_ReturnsThePolicy(string? name, RestartPolicy expected) =>
        Assert.Equal(expected, RestartPolicies.Parse(name));

    [Fact]
    public void Parse_UnknownName_ListsTheValidOnes()
    {
        var error = Assert.Throws<SandboxException>(() => RestartPolicies.Parse("sometimes"));

        Assert.Contains("'sometimes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"no\", \"on-failure\", \"always\", \"unless-stopped\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RestartPolicy.No, ExitReason.Exited, 1, false)]
    [InlineData(RestartPolicy.No, ExitReason.OutOfMemory, 137, false)]
    [InlineData(RestartPolicy.OnFailure, ExitReason.Exited, 0, false)]
    [InlineData(RestartPolicy.OnFailure, ExitReason.Exited, 3, true)]
    [InlineData(RestartPolicy.OnFailure, ExitReason.OutOfMemory, 0, true)]
    [InlineData(RestartPolicy.OnFailure, ExitReason.Unhealthy, 0, true)]
    [InlineData(RestartPolicy.OnFailure, ExitReason.StartFailed, null, true)]
    [InlineData(RestartPolicy.OnFailure, ExitReason.Stopped, 143, false)]
    [InlineData(RestartPolicy.Always, ExitReason.Exited, 0, true)]
    [InlineData(RestartPolicy.Always, ExitReason.Stopped, 0, false)]
    [InlineData(RestartPolicy.UnlessStopped, ExitReason.Exited, 0, true)]
    [InlineData(RestartPolicy.UnlessStopped, ExitReason.Stopped, 143, false)]
    public void ShouldRestart_Outcome_FollowsThePolicy(RestartPolicy policy, ExitReason reason, int? exitCode, bool expected) =>
        Assert.Equal(expected, policy.ShouldRestart(new RunOutcome(exitCode, reason, TimeSpan.FromSeconds(1))));

    [Fact]
    public void Backoff_QuickFailures_DoubleUpToTheMaximum()
    {
        var backoff = new RestartBackoff();

        var delays = Enumerable.Range(0, 7).Select(_ => backoff.Next(TimeSpan.FromSeconds(1)).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], delays);
    }

    [Fact]
    public void Backoff_RunThatLasted_StartsOverAtTheInitialDelay()
    {
        var backoff = new RestartBackoff { Initial = TimeSpan.FromMilliseconds(100), ResetAfter = TimeSpan.FromSeconds(10) };
        backoff.Next(TimeSpan.Zero);
        backoff.Next(TimeSpan.Zero);
        backoff.Next(TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.Next(TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.Next(TimeSpan.FromSeconds(9)));
    }

    [Theory]
    [InlineData(null, "TERM")]
    [InlineData("kill", "KILL")]
    [InlineData("SIGINT", "INT")]
    [InlineData("usr1", "USR1")]
    public void StopSignals_KnownName_IsCanonical(string? signal, string expected) =>
        Assert.Equal(expected, StopSignals.Parse(signal));

    [Fact]
    public void StopSignals_UnknownName_ListsTheValidOnes()
    {
        var error = Assert.Throws<SandboxException>(() => StopSignals.Parse("STOP; rm -rf /"));

        Assert.Contains("TERM, INT, HUP, QUIT, KILL, USR1, USR2", error.Message, StringComparison.Ordinal);
    }
}
