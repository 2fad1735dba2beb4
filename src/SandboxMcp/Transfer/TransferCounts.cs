namespace SandboxMcp.Transfer;

/// <summary>What a transfer moved, counted as it streams.</summary>
public sealed class TransferCounts
{
    /// <summary>Regular files (hard links included).</summary>
    public int Files { get; set; }

    /// <summary>Directories, not counting the target itself.</summary>
    public int Directories { get; set; }

    /// <summary>Symbolic links.</summary>
    public int Links { get; set; }

    /// <summary>Special files (FIFOs, devices, sockets) left out.</summary>
    public int Skipped { get; set; }

    /// <summary>File content bytes.</summary>
    public long Bytes { get; set; }
}
