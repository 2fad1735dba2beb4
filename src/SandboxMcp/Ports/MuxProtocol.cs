using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace SandboxMcp.Ports;

/// <summary>What a <see cref="MuxProtocol"/> frame says.</summary>
public enum MuxFrameType : byte
{
    /// <summary>Host to sandbox: connect a new channel to 127.0.0.1:PORT. No payload.</summary>
    Open = 1,

    /// <summary>Either way: bytes of the channel's stream, within the credit the receiver granted.</summary>
    Data = 2,

    /// <summary>Either way: the sender's direction of the channel ended (TCP half-close). No payload.</summary>
    Eof = 3,

    /// <summary>Host to sandbox: drop the channel now (the client went away). No payload, no answer.</summary>
    Close = 4,

    /// <summary>Sandbox to host: the channel failed (connect refused, reset); the payload is the UTF-8 reason.</summary>
    Reset = 5,

    /// <summary>Either way: the receiver consumed this many more bytes (u32 payload) and the sender may send them.</summary>
    Window = 6,
}

/// <summary>One decoded frame; <see cref="Payload"/> is only valid until the reader advances past it.</summary>
/// <param name="Type">What it says.</param>
/// <param name="Channel">The connection it belongs to (the host numbers them from 1 and never reuses a number).</param>
/// <param name="Payload">Its bytes.</param>
public readonly record struct MuxFrame(MuxFrameType Type, uint Channel, ReadOnlySequence<byte> Payload);

/// <summary>
/// The framing between <see cref="TunnelMux"/> and <see cref="MuxScript"/>: many TCP connections over one process's
/// stdin (host to sandbox) and stdout (sandbox to host). A frame is <c>[type u8][channel u32][length u32][payload]</c>,
/// big-endian. A connection is OPEN, then DATA both ways, EOF each way when that side half-closes (the sandbox shuts
/// its socket's send side down; the host does the same to the client), and it is over when both EOFs passed, or at a
/// RESET (sandbox side failed; the client gets a reset) or a CLOSE (host side gave up). Flow control is credit per
/// channel and direction: a sender starts with <see cref="Window"/> bytes and may never have more than that sent and
/// not yet granted back; a receiver grants WINDOW as its consumer takes bytes (the sandbox once they are in the
/// server's socket, the host once the client pump read them). So one connection whose client or server stops reading
/// stalls only itself, each side buffers at most one window per connection and direction, and the shared pipes never
/// wait for a slow connection (the other side always reads them). Credit is simpler than pausing the shared stream
/// (which would stall every connection) or per-frame acks (one round trip per chunk).
/// </summary>
public static class MuxProtocol
{
    /// <summary>Bytes of a frame header.</summary>
    public const int HeaderSize = 9;

    /// <summary>
    /// Credit each side starts with, per channel and direction, and so the most either side buffers for one connection.
    /// A window must cover the pipe's round trip: through <c>podman exec</c> (conmon relays stdio) 256 KiB gave half of
    /// a raw exec pipe's throughput, 1 MiB gives 85 %.
    /// </summary>
    public const int Window = 1024 * 1024;

    /// <summary>Largest DATA payload either side sends; grants are sent once this much was consumed.</summary>
    public const int Chunk = 64 * 1024;

    /// <summary>Longer frames mean the stream is garbage (a stray print in the sandbox, a bug): stop rather than buffer it.</summary>
    public const int MaxPayload = 256 * 1024;

    /// <summary>Writes a frame header into the first <see cref="HeaderSize"/> bytes of <paramref name="destination"/>.</summary>
    public static void WriteHeader(Span<byte> destination, MuxFrameType type, uint channel, int length)
    {
        destination[0] = (byte)type;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], channel);
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)length);
    }

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>; false (buffer untouched) when it holds only
    /// part of one. A type this side does not know, or an impossible length, is an <see cref="InvalidDataException"/>:
    /// the two ends disagree, and nothing after that point can be trusted.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out MuxFrame frame)
    {
        frame = default;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var type = (MuxFrameType)header[0];
        if (!Enum.IsDefined(type))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"unknown frame type {header[0]}"));
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[5..]);
        if (length > MaxPayload)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{type} frame of {length} bytes (at most {MaxPayload})"));
        }

        if (buffer.Length - HeaderSize < length)
        {
            return false;
        }

        frame = new MuxFrame(type, BinaryPrimitives.ReadUInt32BigEndian(header[1..]), buffer.Slice(HeaderSize, length));
        buffer = buffer.Slice(HeaderSize + length);
        return true;
    }

    /// <summary>The u32 credit of a WINDOW frame.</summary>
    public static int ReadCredit(in MuxFrame frame)
    {
        Span<byte> value = stackalloc byte[4];
        if (frame.Payload.Length != 4)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Window frame of {frame.Payload.Length} bytes (must be 4)"));
        }

        frame.Payload.CopyTo(value);
        var credit = BinaryPrimitives.ReadUInt32BigEndian(value);
        return credit <= Window
            ? (int)credit
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Window frame granting {credit} bytes (at most {Window})"));
    }
}
