using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;
using SandboxMcp.Shell;

namespace SandboxMcp.Transfer;

/// <summary>Reads and writes single files in a sandbox through helper processes, on every tier alike.</summary>
public static class SandboxFiles
{
    private const int ErrorOutputBytes = 4096;

    /// <summary>Writes exactly <paramref name="content"/> to <paramref name="path"/>, creating parent directories.</summary>
    public static async Task WriteAsync(IProcessLauncher launcher, string path, ReadOnlyMemory<byte> content, string? workingDirectory, CancellationToken cancellationToken)
    {
        var output = await launcher.RunAsync(
            new ProcessSpec(["sh", "-c", FileScripts.Write, "sandbox-mcp-write", path], WorkingDirectory: workingDirectory),
            content,
            ErrorOutputBytes,
            cancellationToken);
        if (output.ExitCode != 0)
        {
            throw new SandboxException($"Could not write {path}: {output.ErrorText}");
        }
    }

    /// <summary>
    /// Reads lines <paramref name="offset"/>.. of a text file, at most <paramref name="limit"/> lines and
    /// <paramref name="maxBytes"/> bytes, and stops the reader as soon as it has them.
    /// </summary>
    public static async Task<FileReadResult> ReadAsync(
        IProcessLauncher launcher,
        string path,
        long offset,
        long? limit,
        int maxBytes,
        string? workingDirectory,
        CancellationToken cancellationToken)
    {
        await using var process = await launcher.StartAsync(
            new ProcessSpec(["sh", "-c", FileScripts.Read, "sandbox-mcp-read", path], WorkingDirectory: workingDirectory),
            cancellationToken);
        await process.StandardInput.DisposeAsync();
        var stderr = new CappedOutput(ErrorOutputBytes);
        var readErr = ProcessRunner.DrainAsync(process.StandardError, stderr, cancellationToken);
        var reader = PipeReader.Create(process.StandardOutput, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var slicer = new LineSlicer(offset, limit ?? long.MaxValue, maxBytes);
        try
        {
            while (!slicer.IsDone)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    if (!slicer.Feed(segment.Span))
                    {
                        break;
                    }
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }

        if (slicer.IsDone)
        {
            // We have what we need: stop cat rather than stream the rest of a big file.
            process.Kill();
            return slicer.Result(moreAfter: true);
        }

        await readErr;
        var exitCode = await process.WaitForExitAsync(cancellationToken);
        if (exitCode != 0)
        {
            throw new SandboxException($"Could not read {path}: {stderr.Decode().Trim()}");
        }

        if (slicer.IsBinary)
        {
            throw new SandboxException($"{path} looks binary (it contains NUL bytes): use exec with 'base64 {path}' or 'xxd', or the download tool.");
        }

        return slicer.Result(moreAfter: false);
    }

    /// <summary>Picks lines out of a byte stream without holding more than the requested slice.</summary>
    private sealed class LineSlicer(long offset, long limit, int maxBytes)
    {
        private readonly ArrayBufferWriter<byte> _kept = new();
        private long _line = 1;
        private long _taken;
        private bool _atLineStart = true;
        private bool _sawBytes;
        private bool _cutMidLine;

        public bool IsDone { get; private set; }

        public bool IsBinary { get; private set; }

        /// <summary>Consumes a chunk; false once the slice is complete.</summary>
        public bool Feed(ReadOnlySpan<byte> chunk)
        {
            if (!_sawBytes && chunk.Length > 0)
            {
                _sawBytes = true;
                IsBinary = chunk[..Math.Min(chunk.Length, 8192)].Contains((byte)0);
            }

            while (chunk.Length > 0 && !IsDone)
            {
                var newline = chunk.IndexOf((byte)'\n');
                var piece = newline < 0 ? chunk : chunk[..(newline + 1)];
                if (_line >= offset)
                {
                    if (_atLineStart && _taken >= limit)
                    {
                        IsDone = true;
                        return false;
                    }

                    if (_kept.WrittenCount + piece.Length > maxBytes)
                    {
                        var room = maxBytes - _kept.WrittenCount;
                        if (room > 0)
                        {
                            _kept.Write(piece[..room]);
                            _taken += _atLineStart ? 1 : 0;
                        }

                        _cutMidLine = room > 0 || !_atLineStart;
                        IsDone = true;
                        return false;
                    }

                    _kept.Write(piece);
                    _taken += _atLineStart ? 1 : 0;
                }

                _atLineStart = newline >= 0;
                if (newline >= 0)
                {
                    _line++;
                }

                chunk = chunk[piece.Length..];
            }

            return !IsDone;
        }

        public FileReadResult Result(bool moreAfter)
        {
            var output = new CappedOutput(_kept.WrittenCount);
            output.Append(_kept.WrittenSpan);
            long? next = null;
            if (moreAfter)
            {
                // A line cut by the byte cap is returned again from its start, unless it is the only one.
                next = _cutMidLine ? Math.Max(offset + _taken - 1, offset + 1) : offset + _taken;
            }

            long? total = moreAfter ? null : (_atLineStart ? _line - 1 : _line);
            return new FileReadResult(output.Decode(), offset, _taken, moreAfter, next, _sawBytes ? total : 0);
        }
    }

    /// <summary>Formats a byte count for messages.</summary>
    public static string Bytes(long count) => count.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
}
