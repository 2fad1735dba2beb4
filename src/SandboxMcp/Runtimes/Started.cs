namespace SandboxMcp.Runtimes;

/// <summary>Helpers for things a runtime starts in the background and keeps as a task (holders, forwarders).</summary>
internal static class Started
{
    /// <summary>Ends one whether it is up, starting or failed.</summary>
    public static async Task EndAsync<T>(Task<T> started)
        where T : IAsyncDisposable
    {
        try
        {
            await (await started).DisposeAsync();
        }
#pragma warning disable CA1031 // One that failed to start has nothing to end.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
