using SandboxMcp.Common;
using SandboxMcp.Runtimes;

namespace SandboxMcp.Transfer.Sync;

/// <summary>
/// One host directory mirrored into a sandbox: an initial copy, then a <see cref="FileSystemWatcher"/> whose events
/// are collected until the tree has been quiet for <see cref="Debounce"/> and sent as one batch: deletions as one
/// <c>rm</c> (paths in argv), everything else through one tar stream. <c>.git/</c> and <c>.gitignore</c> patterns are
/// left out. A watcher overflow re-sends the whole tree.
/// </summary>
public sealed class SyncSession : IAsyncDisposable
{
    /// <summary>Quiet time before a batch is sent.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    /// <summary>Longest a change waits while the tree keeps changing.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    private const int DeletesPerProcess = 500;

    private readonly IProcessLauncher _launcher;
    private readonly Action _touch;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private HashSet<string> _pending = new(StringComparer.Ordinal);
    private bool _resyncAll;
    private long _lastEventTicks;
    private GitIgnore _ignore = GitIgnore.Empty;
    private FileSystemWatcher? _watcher;
    private Task _loop = Task.CompletedTask;
    private long _filesSynced;
    private DateTimeOffset? _lastSyncAt;
    private string? _lastError;

    /// <summary>A sync of <paramref name="hostRoot"/> (a real directory) into the absolute <paramref name="target"/>.</summary>
    public SyncSession(string id, string hostRoot, string target, IProcessLauncher launcher, Action touch, TimeProvider time)
    {
        Id = id;
        HostRoot = hostRoot;
        Target = target;
        _launcher = launcher;
        _touch = touch;
        _time = time;
    }

    /// <summary>The id.</summary>
    public string Id { get; }

    /// <summary>The host directory.</summary>
    public string HostRoot { get; }

    /// <summary>The directory inside the sandbox.</summary>
    public string Target { get; }

    /// <summary>What status shows.</summary>
    public SyncInfo Info
    {
        get
        {
            lock (_lock)
            {
                return new SyncInfo(Id, HostRoot, Target, _filesSynced, _lastSyncAt, _lastError);
            }
        }
    }

    /// <summary>Starts watching, copies the tree, then keeps it in sync until disposed.</summary>
    public async Task<TransferCounts> StartAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        _ignore = GitIgnore.Load(HostRoot);
        // Watch first, so a change made during the initial copy is sent after it.
        _watcher = new FileSystemWatcher(HostRoot)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes,
            InternalBufferSize = 64 * 1024,
        };
        _watcher.Created += (_, e) => Changed(e.FullPath);
        _watcher.Changed += (_, e) => Changed(e.FullPath);
        _watcher.Deleted += (_, e) => Changed(e.FullPath);
        _watcher.Renamed += (_, e) =>
        {
            Changed(e.OldFullPath);
            Changed(e.FullPath);
        };
        _watcher.Error += (_, _) => ResyncAll();
        _watcher.EnableRaisingEvents = true;

        var entries = HostTree.Walk(HostRoot, Include).ToList();
        var counts = await SandboxTar.SendEntriesAsync(_launcher, Target, entries, progress, cancellationToken);
        Record(counts.Files, null);
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        return counts;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        _watcher?.Dispose();
        await _loop;
        _stop.Dispose();
        _signal.Dispose();
    }

    private bool Include(string relative, bool isDirectory) => !_ignore.IsIgnored(relative, isDirectory);

    private void Changed(string fullPath)
    {
        var relative = Path.GetRelativePath(HostRoot, fullPath);
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return;
        }

        lock (_lock)
        {
            _pending.Add(relative);
            _lastEventTicks = _time.GetTimestamp();
        }

        Signal();
    }

    private void ResyncAll()
    {
        lock (_lock)
        {
            _resyncAll = true;
            _lastEventTicks = _time.GetTimestamp();
        }

        Signal();
    }

    private void Signal()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or stopping.
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await _signal.WaitAsync(cancellationToken);
                var first = _time.GetTimestamp();
                while (true)
                {
                    await Task.Delay(Debounce, _time, cancellationToken);
                    long last;
                    lock (_lock)
                    {
                        last = _lastEventTicks;
                    }

                    if (_time.GetElapsedTime(last) >= Debounce || _time.GetElapsedTime(first) >= MaxDelay)
                    {
                        break;
                    }
                }

                HashSet<string> batch;
                bool all;
                lock (_lock)
                {
                    (batch, _pending) = (_pending, new HashSet<string>(StringComparer.Ordinal));
                    (all, _resyncAll) = (_resyncAll, false);
                }

                try
                {
                    _touch();
                    Record(await FlushAsync(batch, all, cancellationToken), null);
                }
                catch (Exception ex) when (ex is SandboxException or IOException or UnauthorizedAccessException)
                {
                    // The next change retries; status shows what went wrong.
                    Record(0, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task<int> FlushAsync(HashSet<string> batch, bool all, CancellationToken cancellationToken)
    {
        if (batch.Contains(".gitignore"))
        {
            _ignore = GitIgnore.Load(HostRoot);
        }

        if (all)
        {
            var everything = HostTree.Walk(HostRoot, Include).ToList();
            return (await SandboxTar.SendEntriesAsync(_launcher, Target, everything, null, cancellationToken)).Files;
        }

        var uploads = new Dictionary<string, HostEntry>(StringComparer.Ordinal);
        var deletes = new List<string>();
        foreach (var relative in batch.Order(StringComparer.Ordinal))
        {
            var entry = HostTree.Describe(HostRoot, relative);
            if (_ignore.IsIgnored(relative, entry?.Kind == HostFileKind.Directory))
            {
                continue;
            }

            if (entry is null)
            {
                deletes.Add(Target + "/" + relative);
                continue;
            }

            uploads[relative] = entry;
            if (entry.Kind == HostFileKind.Directory)
            {
                // A directory moved in brings its contents without an event for each of them.
                foreach (var below in HostTree.Walk(HostRoot, relative, Include))
                {
                    uploads[below.Relative] = below;
                }
            }
        }

        foreach (var chunk in deletes.Chunk(DeletesPerProcess))
        {
            await _launcher.RunCheckedAsync(["rm", "-rf", "--", .. chunk], "delete synced files", cancellationToken);
        }

        var sent = uploads.Count == 0
            ? 0
            : (await SandboxTar.SendEntriesAsync(_launcher, Target, [.. uploads.Values.OrderBy(e => e.Relative, StringComparer.Ordinal)], null, cancellationToken)).Files;
        return sent + deletes.Count;
    }

    private void Record(int files, string? error)
    {
        lock (_lock)
        {
            _filesSynced += files;
            _lastError = error;
            if (error is null)
            {
                _lastSyncAt = _time.GetUtcNow();
            }
        }
    }
}
