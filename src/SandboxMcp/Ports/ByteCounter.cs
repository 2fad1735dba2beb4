namespace SandboxMcp.Ports;

/// <summary>A byte count shared between threads; each addition also goes to the parent (a connection's total feeds its forward's).</summary>
public sealed class ByteCounter(ByteCounter? parent = null)
{
    private long _value;

    /// <summary>Bytes counted so far.</summary>
    public long Value => Interlocked.Read(ref _value);

    /// <summary>Adds <paramref name="bytes"/> here and to the parent.</summary>
    public void Add(long bytes)
    {
        Interlocked.Add(ref _value, bytes);
        parent?.Add(bytes);
    }
}
