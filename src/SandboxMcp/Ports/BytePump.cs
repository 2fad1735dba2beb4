using System.Buffers;
using System.IO.Pipelines;

namespace SandboxMcp.Ports;

/// <summary>Copies one direction of a forwarded connection, counting bytes as they pass.</summary>
public static class BytePump
{
    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="target"/> until the source ends, adding each chunk to
    /// <paramref name="counter"/> as it is flushed, then completes both: completing the target is the half-close
    /// (the stream under it is closed or shut down by its owner). Returns the bytes copied.
    /// </summary>
    public static async Task<long> CopyAsync(PipeReader source, PipeWriter target, ByteCounter counter, CancellationToken cancellationToken)
    {
        long total = 0;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await source.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                try
                {
                    foreach (var segment in buffer)
                    {
                        target.Write(segment.Span);
                    }

                    if (!buffer.IsEmpty)
                    {
                        var flushed = await target.FlushAsync(cancellationToken);
                        total += buffer.Length;
                        counter.Add(buffer.Length);
                        if (flushed.IsCompleted)
                        {
                            // The other side stopped reading: nothing more can be delivered.
                            break;
                        }
                    }

                    if (result.IsCompleted || result.IsCanceled)
                    {
                        break;
                    }
                }
                finally
                {
                    source.AdvanceTo(buffer.End);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            failure = ex;
            throw;
        }
        finally
        {
            await source.CompleteAsync(failure);
            try
            {
                await target.CompleteAsync(failure);
            }
            catch (IOException)
            {
                // The target's stream was already broken (the process exited, the peer reset): nothing to flush.
            }
        }

        return total;
    }
}
