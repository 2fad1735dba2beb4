using SandboxMcp.Common;

namespace SandboxMcp.Background;

/// <summary>When a background process that ended is started again (Docker's names and meanings).</summary>
public enum RestartPolicy
{
    /// <summary>Never.</summary>
    No,

    /// <summary>When it exited non-zero, or the memory watchdog or its health check ended it.</summary>
    OnFailure,

    /// <summary>Whenever it ends, unless stopped with <c>kill</c>.</summary>
    Always,

    /// <summary>As <see cref="Always"/>: background processes do not outlive the server, so the two are the same here.</summary>
    UnlessStopped,
}

/// <summary>Names and decisions of <see cref="RestartPolicy"/>.</summary>
public static class RestartPolicies
{
    /// <summary>The names the <c>restart</c> argument takes.</summary>
    public static readonly IReadOnlyList<string> Names = ["no", "on-failure", "always", "unless-stopped"];

    /// <summary>Parses a policy name; null or empty means <see cref="RestartPolicy.No"/>.</summary>
    public static RestartPolicy Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "no" => RestartPolicy.No,
        "on-failure" => RestartPolicy.OnFailure,
        "always" => RestartPolicy.Always,
        "unless-stopped" => RestartPolicy.UnlessStopped,
        _ => throw new SandboxException(
            $"Invalid restart policy '{InputValidation.Printable(name)}': use one of {string.Join(", ", Names.Select(n => $"\"{n}\""))} (default \"no\")."),
    };

    /// <summary>The policy's name as the tools show it.</summary>
    public static string ToName(this RestartPolicy policy) => Names[(int)policy];

    /// <summary>Whether a run that ended with <paramref name="outcome"/> is started again.</summary>
    public static bool ShouldRestart(this RestartPolicy policy, RunOutcome outcome) =>
        outcome.Reason != ExitReason.Stopped && policy switch
        {
            RestartPolicy.No => false,
            RestartPolicy.OnFailure => outcome.IsFailure,
            _ => true,
        };
}
