using System.Reflection;
using SandboxMcp.Configuration;

namespace SandboxMcp.Runtimes.Container;

/// <summary>
/// Decides the podman configuration the server runs podman with. On hosts with cgroup v1 ("hybrid") or
/// without systemd as PID 1, podman's defaults fail (crun: "cgroups in hybrid mode not supported"; the systemd
/// cgroup manager needs systemd; default ulimits above the host's hard limit: "setrlimit RLIMIT_NOFILE:
/// Operation not permitted"), so the server passes its own <c>containers.conf</c> (runc, cgroupfs, modest
/// ulimits). A user's own <c>CONTAINERS_CONF</c> always wins, and on ordinary cgroup v2 + systemd hosts the
/// user's configuration is left alone.
/// </summary>
public static class PodmanConfiguration
{
    private const string ResourceName = "containers.conf";

    /// <summary>Extra environment for podman commands: our CONTAINERS_CONF, or nothing.</summary>
    public static IReadOnlyDictionary<string, string> Environment(ServerPaths paths)
    {
        if (!string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("CONTAINERS_CONF")) || !NeedsOwnConfiguration())
        {
            return new Dictionary<string, string>();
        }

        var file = Path.Combine(paths.StateDirectory, "podman", ResourceName);
        var content = EmbeddedConfiguration();
        if (!File.Exists(file) || File.ReadAllText(file) != content)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temp = file + $".{System.Environment.ProcessId}.tmp";
            File.WriteAllText(temp, content);
            File.Move(temp, file, overwrite: true);
        }

        return new Dictionary<string, string> { ["CONTAINERS_CONF"] = file };
    }

    /// <summary>True on hosts where podman's defaults are known to fail.</summary>
    public static bool NeedsOwnConfiguration()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var unifiedCgroups = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        var systemdInit = File.Exists("/proc/1/comm") && File.ReadAllText("/proc/1/comm").Trim() == "systemd";
        return !unifiedCgroups || !systemdInit;
    }

    /// <summary>The configuration shipped in images/containers.conf (embedded, so an installed tool has it).</summary>
    public static string EmbeddedConfiguration()
    {
        using var stream = typeof(PodmanConfiguration).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not embedded in {typeof(PodmanConfiguration).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
