namespace SandboxMcp.Runtimes;

/// <summary>What a runtime finds when it looks for a sandbox it created.</summary>
public enum SandboxPresence
{
    /// <summary>Ready to start processes.</summary>
    Running,

    /// <summary>Exists but is stopped or paused; a start may bring it back.</summary>
    Stopped,

    /// <summary>Gone.</summary>
    Missing,
}
