namespace SandboxMcp.Hosting;

/// <summary>What the server tells the model about itself at initialize.</summary>
public static class ServerInstructions
{
    /// <summary>The instructions text.</summary>
    public const string Text = """
        Sandboxes on the user's machine for running commands and code. Every tool takes `sandbox` (default
        "default"); a sandbox is created on first use. `exec` runs in a persistent shell: cd and export persist.
        Use `write_file`/`read_file` for files, `status` to see what isolation is really in force, `bg` for servers and long jobs (then `logs`, `kill`).
        """;
}
