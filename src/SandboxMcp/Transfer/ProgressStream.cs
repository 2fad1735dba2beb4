using System.Globalization;

namespace SandboxMcp.Transfer;

/// <summary>
/// A pass-through stream that counts the bytes read or written and reports them at most twice a second as
/// "uploaded 12.5 MB of 50.0 MB"; it does not buffer.
/// </summary>
public sealed class ProgressStream(Stream inner, string verb, long? total, IProgress<string>? progress) : Stream
{
    private const long ReportIntervalMs = 500;
    private long _lastReport = Environment.TickCount64;

    /// <summary>Bytes passed through so far.</summary>
    public long Position64 { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => inner.CanRead;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => inner.CanWrite;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => Position64;
        set => throw new NotSupportedException();
    }

    /// <summary>Formats a byte count as MB with one decimal.</summary>
    public static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Count(buffer.Length);
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Count(count);
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        Count(buffer.Length);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Flush() => inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    private int Count(int bytes)
    {
        Position64 += bytes;
        var now = Environment.TickCount64;
        if (progress is not null && now - _lastReport >= ReportIntervalMs)
        {
            _lastReport = now;
            progress.Report(total is { } all and > 0
                ? $"{verb} {Megabytes(Position64)} of {Megabytes(all)} ({Math.Min(100, Position64 * 100 / all)}%)"
                : $"{verb} {Megabytes(Position64)}");
        }

        return bytes;
    }
}
