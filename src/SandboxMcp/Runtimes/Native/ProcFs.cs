using System.Globalization;

namespace SandboxMcp.Runtimes.Native;

/// <summary>Reads process facts from Linux /proc. Everything here tolerates processes vanishing mid-read.</summary>
internal static class ProcFs
{
    /// <summary>One line of <c>/proc/PID/stat</c>, the fields we use.</summary>
    public readonly record struct ProcessStat(int Pid, int ParentPid, int Session, long RssBytes);

    private static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>True when /proc can be read (Linux).</summary>
    public static bool IsAvailable { get; } = File.Exists("/proc/self/stat");

    /// <summary>Every process visible now.</summary>
    public static IEnumerable<ProcessStat> ListProcesses()
    {
        IEnumerable<string> directories;
        try
        {
            directories = Directory.EnumerateDirectories("/proc");
        }
        catch (IOException)
        {
            yield break;
        }

        foreach (var directory in directories)
        {
            var name = Path.GetFileName(directory);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]) || !int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (TryReadStat(pid, out var stat))
            {
                yield return stat;
            }
        }
    }

    /// <summary>Reads <c>/proc/PID/stat</c>; false when the process is gone.</summary>
    public static bool TryReadStat(int pid, out ProcessStat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return TryParseStat(pid, text, out stat);
    }

    /// <summary>Parses the text of <c>/proc/PID/stat</c>; the command name may contain spaces and parentheses.</summary>
    public static bool TryParseStat(int pid, string text, out ProcessStat stat)
    {
        stat = default;
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return false;
        }

        // After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
        // cutime cstime priority nice threads itrealvalue starttime vsize rss
        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 22
            || !int.TryParse(fields[1], CultureInfo.InvariantCulture, out var ppid)
            || !int.TryParse(fields[3], CultureInfo.InvariantCulture, out var session)
            || !long.TryParse(fields[21], CultureInfo.InvariantCulture, out var rssPages))
        {
            return false;
        }

        stat = new ProcessStat(pid, ppid, session, rssPages * PageSize);
        return true;
    }

    /// <summary>True when the process's environment holds exactly <paramref name="entry"/> (<c>KEY=value</c>).</summary>
    public static bool EnvironmentContains(int pid, string entry)
    {
        byte[] environ;
        try
        {
            environ = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        var needle = System.Text.Encoding.UTF8.GetBytes(entry);
        var span = environ.AsSpan();
        while (span.Length > 0)
        {
            var end = span.IndexOf((byte)0);
            var item = end < 0 ? span : span[..end];
            if (item.SequenceEqual(needle))
            {
                return true;
            }

            span = end < 0 ? [] : span[(end + 1)..];
        }

        return false;
    }
}
