namespace SandboxMcp.Transfer;

/// <summary>
/// Reads exactly <c>length</c> bytes of a file whose size was taken before: a file that grows while it is sent is
/// cut, one that shrinks is padded with zeros, so the tar header's size always holds and the archive stays valid.
/// </summary>
public sealed class FixedLengthStream(Stream inner, long length) : Stream
{
    private const int CopyBufferSize = 1 << 20;
    private long _position;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => length;

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set => _position = value == _position ? value : throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        var room = (int)Math.Min(buffer.Length, length - _position);
        if (room <= 0)
        {
            return 0;
        }

        var read = inner.Read(buffer[..room]);
        return Advance(buffer[..room], read);
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var room = (int)Math.Min(buffer.Length, length - _position);
        if (room <= 0)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..room], cancellationToken);
        return Advance(buffer.Span[..room], read);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Copies the rest in 1 MB pieces: fewer, larger pipe writes than the default 80 KB.</summary>
    public override void CopyTo(Stream destination, int bufferSize) => base.CopyTo(destination, Math.Max(bufferSize, CopyBufferSize));

    /// <inheritdoc />
    public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) =>
        base.CopyToAsync(destination, Math.Max(bufferSize, CopyBufferSize), cancellationToken);

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) =>
        origin == SeekOrigin.Current && offset == 0 ? _position : throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Advance(Span<byte> room, int read)
    {
        if (read == 0)
        {
            // The file shrank: zeros keep the promised length.
            room.Clear();
            read = room.Length;
        }

        _position += read;
        return read;
    }
}
