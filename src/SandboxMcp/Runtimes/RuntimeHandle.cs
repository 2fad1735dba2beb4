namespace SandboxMcp.Runtimes;

/// <summary>
/// A runtime's reference to a created sandbox, kept in state.json so a restarted server finds it again.
/// </summary>
/// <param name="Runtime">The runtime that created it (<see cref="ISandboxRuntime.Name"/>).</param>
/// <param name="Id">The runtime's identifier: a container name, a directory.</param>
/// <param name="WorkDir">Default working directory and HOME inside the sandbox.</param>
/// <param name="ScratchDir">A directory inside the sandbox for the server's own files (shell state).</param>
/// <param name="Properties">Runtime-specific values (volume names, policy file) to persist.</param>
public sealed record RuntimeHandle(
    string Runtime,
    string Id,
    string WorkDir,
    string ScratchDir,
    IReadOnlyDictionary<string, string>? Properties = null)
{
    /// <summary>Property: the path of the sandbox-ctl socket as processes inside the sandbox see it.</summary>
    public const string CtlSocketProperty = "ctlSocket";

    /// <summary>Property: where the sandbox-ctl client is installed inside the sandbox.</summary>
    public const string CtlClientProperty = "ctlClient";

    /// <summary>A copy with one more property.</summary>
    public RuntimeHandle With(string key, string value) =>
        this with { Properties = new Dictionary<string, string>(Properties ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [key] = value } };
}
