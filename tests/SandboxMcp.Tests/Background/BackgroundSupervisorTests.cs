using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using SandboxMcp.Background;
using SandboxMcp.Runtimes;
using SandboxMcp.Tests.Transfer;

namespace SandboxMcp.Tests.Background;

/// <summary>The supervisor's restart loop at the launcher seam: each launch "runs" and exits at once.</summary>
public sealed class BackgroundSupervisorTests
{
    private const int Pid = 4242;
    private readonly FakeTimeProvider _time = new();
    private readonly IProcessLauncher _launcher = Substitute.For<IProcessLauncher>();
    private readonly List<IReadOnlyList<string>> _launches = [];
    private readonly List<IReadOnlyList<string>> _kills = [];

    private BackgroundProcess CreateSut(RestartPolicy policy, int exitCode)
    {
        _launcher.StartAsync(Arg.Any<ProcessSpec>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var argv = call.Arg<ProcessSpec>().Argv;
            lock (_launches)
            {
                if (argv[3] == "sandbox-mcp-bg")
                {
                    _launches.Add(argv);
                    // The launch script's first line is "TAG PID"; the tag is its sixth argument.
                    return Task.FromResult<ISandboxProcess>(new FakeProcess(Encoding.ASCII.GetBytes($"{argv[6]} {Pid}\nhello\n"), [], exitCode));
                }

                _kills.Add(argv);
                return Task.FromResult<ISandboxProcess>(new FakeProcess([], [], 0));
            }
        });
        var request = new BackgroundRequest("echo hello", null, policy, null, null);
        return new BackgroundProcess("bg-000001", request, "/work", _launcher, "/scratch/shell.env", new BackgroundOptions(), NullLogger.Instance, _time);
    }

    [Fact(Timeout = 15000)]
    public async Task OnFailure_CrashingRuns_AreRestartedAfterDoublingDelaysOnTheClock()
    {
        await using var sut = CreateSut(RestartPolicy.OnFailure, exitCode: 3);

        await sut.StartAsync(CancellationToken.None);

        await WaitForAsync(() => Logged(sut, "restarting in 1 s"));
        Assert.Equal(0, sut.Restarts);
        Assert.Equal("restarting", sut.State);
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => Logged(sut, "restarting in 2 s"));
        Assert.Equal(1, sut.Restarts);
        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(1, sut.Restarts);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        await WaitForAsync(() => Logged(sut, "restarting in 4 s"));
        Assert.Equal(2, sut.Restarts);
        Assert.Equal(3, _launches.Count);
        Assert.All(_launches, argv => Assert.Equal(["/scratch/shell.env", "/work"], argv.Skip(4).Take(2)));
        Assert.Contains(_kills, argv => argv[3] == "sandbox-mcp-kill" && argv[4] == Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact(Timeout = 15000)]
    public async Task OnFailure_CleanExit_EndsWithoutRestart()
    {
        await using var sut = CreateSut(RestartPolicy.OnFailure, exitCode: 0);

        await sut.StartAsync(CancellationToken.None);

        await WaitForAsync(() => sut.HasEnded);
        Assert.Equal("exited", sut.State);
        Assert.Equal(0, sut.Restarts);
        Assert.Equal(0, sut.Describe().ExitCode);
        Assert.Contains("hello\n", sut.Logs.Read(LogSource.Stdout, 10, 1000).Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = 15000)]
    public async Task Stop_DuringBackoff_CancelsTheRestart()
    {
        await using var sut = CreateSut(RestartPolicy.Always, exitCode: 0);
        await sut.StartAsync(CancellationToken.None);
        await WaitForAsync(() => Logged(sut, "restarting in 1 s"));

        await sut.StopAsync("TERM", TimeSpan.Zero, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("stopped", sut.State);
        Assert.Single(_launches);
    }

    private static bool Logged(BackgroundProcess process, string text) =>
        process.Logs.Read(null, 100, 100_000).Text.Contains(text, StringComparison.Ordinal);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met within 10 s");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
