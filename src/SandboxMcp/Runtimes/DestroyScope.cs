namespace SandboxMcp.Runtimes;

/// <summary>How much of a sandbox <see cref="ISandboxRuntime.DestroyAsync"/> removes.</summary>
public enum DestroyScope
{
    /// <summary>Everything: processes, file system, workspace and cache volumes.</summary>
    Everything,

    /// <summary>Everything but package caches, which the next sandbox of the same name reuses (<c>reset</c>).</summary>
    KeepCaches,
}
