using System.Diagnostics;
using System.Text;

namespace SandboxMcp.Bench;

/// <summary>
/// The floor: one command through a long-lived shell pipe with a plain end marker, no protocol, no server. The
/// same argv as an engine's persistent exec (<c>sh</c>, <c>bwrap … sh</c>, <c>podman exec -i NAME sh</c>).
/// </summary>
public sealed class RawPipe : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Stream _stdout;
    private readonly byte[] _buffer = new byte[4096];

    public RawPipe(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(argv[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        _process = Process.Start(info)!;
        _stdin = _process.StandardInput.BaseStream;
        _stdout = _process.StandardOutput.BaseStream;
    }

    /// <summary>Runs <paramref name="command"/> and reads until its end marker.</summary>
    public async Task RoundTripAsync(string command)
    {
        await _stdin.WriteAsync(Encoding.ASCII.GetBytes(command + "; echo __END__\n"));
        await _stdin.FlushAsync();
        var seen = new StringBuilder();
        while (!seen.ToString().EndsWith("__END__\n", StringComparison.Ordinal))
        {
            var read = await _stdout.ReadAsync(_buffer);
            if (read == 0)
            {
                throw new InvalidOperationException("raw shell ended");
            }

            seen.Append(Encoding.ASCII.GetString(_buffer, 0, read));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stdin.Close();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
