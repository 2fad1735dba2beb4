namespace SandboxMcp.Configuration;

/// <summary>What a parent sandbox may spawn. Sandboxes without a policy cannot spawn children.</summary>
public sealed class SpawnPolicyOptions
{
    /// <summary>Children alive at once.</summary>
    /// <value>Default 3.</value>
    public int MaxChildren { get; set; } = 3;

    /// <summary>Spawns over the parent's lifetime.</summary>
    /// <value>Default 20.</value>
    public int MaxSpawns { get; set; } = 20;

    /// <summary>CPUs shared by all children.</summary>
    /// <value>Default 2.</value>
    public double CpuBudget { get; set; } = 2;

    /// <summary>Memory shared by all children, like <c>1g</c>.</summary>
    /// <value>Default <c>1g</c>.</value>
    public string MemoryBudget { get; set; } = "1g";

    /// <summary>Images children may use; empty means the parent's own image only.</summary>
    public List<string> AllowedImages { get; set; } = [];

    /// <summary>Seconds a child lives.</summary>
    /// <value>Default 600.</value>
    public int ChildTtlSeconds { get; set; } = 600;

    /// <summary>Whether children may spawn grandchildren (with halved limits).</summary>
    /// <value>Default false.</value>
    public bool ChildCanSpawn { get; set; }

    /// <summary>Whether the <c>sandbox-ctl</c> client is put into the parent sandbox.</summary>
    /// <value>Default true.</value>
    public bool InjectCtl { get; set; } = true;
}
