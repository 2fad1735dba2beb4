namespace SandboxMcp.Manager;

/// <summary>One line of <c>health</c>.</summary>
/// <param name="Sandbox">Sandbox name.</param>
/// <param name="Tier">Tier.</param>
/// <param name="Runtime">Runtime.</param>
/// <param name="State">running, stopped, missing, or unknown when the runtime is unavailable.</param>
/// <param name="Alive">True when it answered a command just now.</param>
/// <param name="Stats">Resource use, when alive.</param>
/// <param name="Error">What went wrong, when something did.</param>
public sealed record SandboxHealth(string Sandbox, string Tier, string Runtime, string State, bool Alive, SandboxStats? Stats, string? Error);
