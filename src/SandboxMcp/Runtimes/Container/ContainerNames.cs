using System.Security.Cryptography;
using System.Text;

namespace SandboxMcp.Runtimes.Container;

/// <summary>
/// Names of the engine objects of a sandbox. Every name carries the owner (a hash of the state directory), so
/// two servers with different state directories never collide and orphan cleanup never touches another owner.
/// </summary>
public static class ContainerNames
{
    /// <summary>Label holding the owner on every container, volume, network and image we create.</summary>
    public const string OwnerLabel = "sandbox-mcp.owner";

    /// <summary>Label holding the sandbox name.</summary>
    public const string SandboxLabel = "sandbox-mcp.sandbox";

    /// <summary>Label holding a snapshot's name on its image.</summary>
    public const string SnapshotLabel = "sandbox-mcp.snapshot";

    /// <summary>The owner id of a state directory: 10 hex digits of its SHA-256.</summary>
    public static string Owner(string stateDirectory) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.TrimEndingDirectorySeparator(Path.GetFullPath(stateDirectory)))))[..10];

    /// <summary><c>mcp-sb-OWNER-NAME</c>, shortened with a hash when the engine limits name length.</summary>
    public static string Container(string owner, string sandbox, int maxLength) => Fit($"mcp-sb-{owner}-", sandbox, maxLength);

    /// <summary><c>mcp-PURPOSE-OWNER-NAME</c> for the sandbox's volumes (workspace, caches).</summary>
    public static string Volume(string owner, string sandbox, string purpose, int maxLength) => Fit($"mcp-{purpose}-{owner}-", sandbox, maxLength);

    /// <summary>The network the sandboxes of one owner share, with name resolution.</summary>
    public static string Network(string owner) => $"mcp-net-{owner}";

    /// <summary>The image a snapshot is stored as.</summary>
    public static string SnapshotImage(string owner, string snapshot) => SnapshotRepository(owner) + ":" + snapshot;

    /// <summary>The repository holding every snapshot of one owner; the tag is the snapshot name.</summary>
    public static string SnapshotRepository(string owner) => $"localhost/sandbox-mcp-snapshot-{owner}";

    /// <summary>The image a clone starts from; it belongs to the clone and goes with it.</summary>
    public static string CloneImage(string owner, string sandbox) => $"localhost/sandbox-mcp-clone-{owner}:{sandbox}";

    /// <summary>True for images this owner captured from a sandbox (snapshots and clones): they carry a saved workspace.</summary>
    public static bool IsCaptured(string owner, string image) =>
        image.StartsWith(SnapshotRepository(owner) + ":", StringComparison.Ordinal)
        || image.StartsWith($"localhost/sandbox-mcp-clone-{owner}:", StringComparison.Ordinal);

    private static string Fit(string prefix, string sandbox, int maxLength)
    {
        var name = prefix + sandbox;
        if (name.Length <= maxLength)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sandbox)))[..8];
        return prefix + sandbox[..(maxLength - prefix.Length - 9)] + "-" + hash;
    }
}
