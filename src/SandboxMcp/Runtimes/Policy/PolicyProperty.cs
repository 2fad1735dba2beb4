using System.Text.Json;

namespace SandboxMcp.Runtimes.Policy;

/// <summary>
/// Keeps a sandbox's policy in its handle, so the policy in force is the one built at creation (a restarted
/// server, or a changed configuration, does not widen a running sandbox) and <c>status</c> can show it.
/// </summary>
public static class PolicyProperty
{
    /// <summary>The handle property holding the policy as JSON.</summary>
    public const string Key = "policy";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The policy as a property value.</summary>
    public static string Serialize(SandboxPolicy policy) => JsonSerializer.Serialize(policy, Json);

    /// <summary>The policy of a handle; throws when the handle has none (a handle from another runtime).</summary>
    public static SandboxPolicy Read(RuntimeHandle handle) =>
        handle.Properties?.GetValueOrDefault(Key) is { } json && JsonSerializer.Deserialize<SandboxPolicy>(json, Json) is { } policy
            ? policy
            : throw new Common.SandboxException($"Sandbox {handle.Id} has no recorded policy: destroy it and create it again.");
}
