using System.Buffers;
using System.IO.Pipelines;

namespace SandboxMcp.Ports;

/// <summary>A <see cref="MuxConnection"/>'s stdout: the sandbox's bytes, each read granting credit back to it.</summary>
internal sealed class MuxReadStream(MuxConnection connection, PipeReader received) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var result = await received.ReadAsync(cancellationToken);
        var available = result.Buffer;
        var n = (int)Math.Min(available.Length, buffer.Length);
        available.Slice(0, n).CopyTo(buffer.Span);
        received.AdvanceTo(available.GetPosition(n));
        if (n > 0)
        {
            connection.Consumed(n);
        }

        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
