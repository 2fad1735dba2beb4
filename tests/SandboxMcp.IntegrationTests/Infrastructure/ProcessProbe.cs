using System.Diagnostics;
using System.Globalization;

namespace SandboxMcp.IntegrationTests.Infrastructure;

/// <summary>Looks at host processes from tests: liveness, memory, signals, and plain runs of the server binary.</summary>
public static class ProcessProbe
{
    /// <summary>True while a process with this pid exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Pids whose parent is <paramref name="pid"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var candidate))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    if (int.Parse(fields[1], CultureInfo.InvariantCulture) == pid)
                    {
                        children.Add(candidate);
                    }
                }
                catch (IOException)
                {
                    // Gone while we looked.
                }
            }
        }

        return children;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; fails with <paramref name="what"/> after the deadline.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan deadline, string what, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out after {deadline.TotalSeconds:0} s waiting for: {what}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>A field of /proc/PID/status in kB (e.g. VmHWM, VmRSS).</summary>
    public static long StatusKilobytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"{field} not in /proc/{pid}/status");
    }

    /// <summary>Sends a signal with /bin/kill.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString(CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
    }

    /// <summary>Runs the server binary with arguments and an isolated environment, returning exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunServerAsync(string root, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? env, string? stdin, CancellationToken cancellationToken)
    {
        using var process = StartServer(root, args, env);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the built server as a bare process (all three streams redirected) with the test environment.</summary>
    public static Process StartServer(string root, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? env = null)
    {
        var info = new ProcessStartInfo(TestPaths.DotnetHost)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(TestPaths.ServerDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in ServerHarness.BaseEnvironment(root).Concat(env ?? new Dictionary<string, string?>()))
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        return Process.Start(info)!;
    }
}
