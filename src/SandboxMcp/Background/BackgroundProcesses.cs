using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Background;

/// <summary>
/// The background processes of one sandbox, started by this server. They end with the sandbox (reset, destroy)
/// and with the server.
/// </summary>
public sealed class BackgroundProcesses(IProcessLauncher launcher, string statePath, BackgroundOptions options, ILoggerFactory loggers, TimeProvider time) : IAsyncDisposable
{
    private readonly List<BackgroundProcess> _processes = [];
    private readonly Lock _lock = new();
    private readonly ILogger _logger = loggers.CreateLogger<BackgroundProcess>();
    private bool _disposed;

    /// <summary>Starts a process in <paramref name="workDir"/> and returns it once its pid is known.</summary>
    public async Task<BackgroundProcess> StartAsync(BackgroundRequest request, string workDir, CancellationToken cancellationToken)
    {
        var process = new BackgroundProcess(NewId(), request, workDir, launcher, statePath, options, _logger, time);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_processes.Count >= options.MaxPerSandbox)
            {
                var ended = _processes.FirstOrDefault(p => p.HasEnded)
                    ?? throw new SandboxException($"This sandbox already runs {options.MaxPerSandbox} background processes: end some with kill first.");
                _processes.Remove(ended);
            }

            _processes.Add(process);
        }

        try
        {
            await process.StartAsync(cancellationToken);
            return process;
        }
        catch
        {
            lock (_lock)
            {
                _processes.Remove(process);
            }

            throw;
        }
    }

    /// <summary>The process <paramref name="id"/>; an unknown id is an error that lists the ids there are.</summary>
    public BackgroundProcess Get(string id)
    {
        lock (_lock)
        {
            if (_processes.Find(p => p.Id == id) is { } found)
            {
                return found;
            }

            var known = _processes.Count == 0
                ? "this sandbox has no background processes from this server (bg starts one; they end with the server, reset and destroy)"
                : "its background processes are " + string.Join(", ", _processes.Select(p => $"{p.Id} ({p.State}: {Short(p.Request.Command)})"));
            throw new SandboxException($"No background process '{InputValidation.Printable(id)}': {known}.");
        }
    }

    /// <summary>Every process, oldest first.</summary>
    public IReadOnlyList<BackgroundInfo> List()
    {
        lock (_lock)
        {
            return [.. _processes.Select(p => p.Describe())];
        }
    }

    /// <summary>Ends every process (each with SIGKILL to its group inside the sandbox).</summary>
    public async ValueTask DisposeAsync()
    {
        List<BackgroundProcess> all;
        lock (_lock)
        {
            _disposed = true;
            all = [.. _processes];
        }

        await Task.WhenAll(all.Select(p => p.DisposeAsync().AsTask()));
    }

    private string NewId()
    {
        while (true)
        {
            var id = "bg-" + RandomNumberGenerator.GetHexString(6, lowercase: true);
            lock (_lock)
            {
                if (_processes.TrueForAll(p => p.Id != id))
                {
                    return id;
                }
            }
        }
    }

    private static string Short(string command)
    {
        var line = command.Split('\n', 2)[0];
        return line.Length > 40 ? line[..40] + "…" : line;
    }
}
