namespace SandboxMcp.Configuration;

/// <summary>Where the server keeps its configuration file, state, logs and sandboxes (XDG base directories).</summary>
public sealed record ServerPaths(string ConfigFile, string StateDirectory)
{
    /// <summary>The state file shared by every server process using this state directory.</summary>
    public string StateFile => Path.Combine(StateDirectory, "state.json");

    /// <summary>Log files.</summary>
    public string LogDirectory => Path.Combine(StateDirectory, "logs");

    /// <summary>Native sandboxes live in directories under here.</summary>
    public string SandboxesDirectory => Path.Combine(StateDirectory, "sandboxes");

    /// <summary>Seatbelt-tier sandboxes (bubblewrap, Seatbelt) live in directories under here.</summary>
    public string SeatbeltDirectory => Path.Combine(StateDirectory, "seatbelt");

    /// <summary>Snapshot archives of native and bubblewrap sandboxes.</summary>
    public string SnapshotsDirectory => Path.Combine(StateDirectory, "snapshots");

    /// <summary>Per-sandbox audit history files.</summary>
    public string HistoryDirectory => Path.Combine(StateDirectory, "history");

    /// <summary>Unix sockets (sandbox-ctl).</summary>
    public string SocketDirectory => Path.Combine(StateDirectory, "sockets");

    /// <summary>Resolves the paths from <c>XDG_CONFIG_HOME</c>, <c>XDG_STATE_HOME</c> and <c>HOME</c>.</summary>
    public static ServerPaths FromEnvironment()
    {
        var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h
            ? h
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var configHome = NonEmpty(Environment.GetEnvironmentVariable("XDG_CONFIG_HOME")) ?? Path.Combine(home, ".config");
        var stateHome = NonEmpty(Environment.GetEnvironmentVariable("XDG_STATE_HOME")) ?? Path.Combine(home, ".local", "state");
        return new ServerPaths(
            Path.Combine(configHome, "sandbox-mcp", "config.json"),
            Path.GetFullPath(Path.Combine(stateHome, "sandbox-mcp")));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
