namespace SandboxMcp.Monitoring;

/// <summary>Disk use of a sandbox's working directory; null fields could not be measured.</summary>
/// <param name="UsedBytes">What the working directory holds.</param>
/// <param name="TotalBytes">Size of the file system it is on.</param>
/// <param name="AvailableBytes">Free space on that file system.</param>
public sealed record DiskUsage(long? UsedBytes, long? TotalBytes, long? AvailableBytes);
