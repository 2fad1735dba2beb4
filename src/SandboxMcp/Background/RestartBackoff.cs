namespace SandboxMcp.Background;

/// <summary>
/// Delays between restarts: <see cref="Initial"/>, doubling per quick failure up to <see cref="Maximum"/>; a run that
/// lasted <see cref="ResetAfter"/> or longer starts the sequence over (as Docker does after 10 s).
/// </summary>
public sealed class RestartBackoff
{
    private int _streak;

    /// <summary>First delay. <value>1 s by default.</value></summary>
    public TimeSpan Initial { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay. <value>30 s by default.</value></summary>
    public TimeSpan Maximum { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A run at least this long resets the delay to <see cref="Initial"/>. <value>10 s by default.</value></summary>
    public TimeSpan ResetAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The delay before the restart that follows a run of <paramref name="uptime"/>.</summary>
    public TimeSpan Next(TimeSpan uptime)
    {
        _streak = uptime >= ResetAfter ? 1 : _streak + 1;
        var factor = Math.Pow(2, Math.Min(_streak - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(Initial.Ticks * factor, Maximum.Ticks));
        return delay;
    }
}
