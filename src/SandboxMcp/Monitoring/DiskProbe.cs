using System.Globalization;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Monitoring;

/// <summary>Disk use of a sandbox, measured inside it with du and df (the same on every tier).</summary>
public static class DiskProbe
{
    /// <summary>
    /// Prints <c>USED_KB TOTAL_KB AVAILABLE_KB</c> for the directory <c>$1</c>: what the directory holds, and the
    /// size and free space of its file system. du is bounded by <c>timeout</c> where the image has it.
    /// </summary>
    private const string Script = """
        d=$1
        if command -v timeout >/dev/null 2>&1; then u=$(timeout 10 du -skx "$d" 2>/dev/null); else u=$(du -skx "$d" 2>/dev/null); fi
        u=${u%%[!0-9]*}
        set -- $(df -Pk "$d" 2>/dev/null | tail -n 1)
        printf '%s %s %s\n' "${u:--}" "${2:--}" "${4:--}"
        """;

    /// <summary>Measures <paramref name="directory"/>; unknown values are null.</summary>
    public static async Task<DiskUsage> MeasureAsync(IProcessLauncher launcher, string directory, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(20));
        var output = await launcher.RunAsync(new ProcessSpec(["sh", "-c", Script, "sandbox-mcp-disk", directory]), ReadOnlyMemory<byte>.Empty, 4096, cts.Token);
        return Parse(output.Stdout.Decode());
    }

    /// <summary>Parses the script's output line.</summary>
    internal static DiskUsage Parse(string line)
    {
        var parts = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long? Kilobytes(int index) =>
            parts.Length > index && long.TryParse(parts[index], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
        return new DiskUsage(Kilobytes(0), Kilobytes(1), Kilobytes(2));
    }
}
