using System.Globalization;
using System.Text;
using SandboxMcp.Common;
using SandboxMcp.Runtimes.Native;

namespace SandboxMcp.Runtimes.Bubblewrap;

/// <summary>
/// The long-lived bwrap process of one sandbox. It owns the sandbox's namespaces, so every process started in
/// the sandbox (shell, helpers, the timeout killer) joins the same pid namespace: one can kill another's tree
/// and <c>ps</c> shows the sandbox's own processes. It ends when the server closes its stdin or exits.
/// </summary>
internal sealed class BubblewrapHolder : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);
    private readonly LocalProcess _process;

    private BubblewrapHolder(LocalProcess process, int namespacePid, bool ownNetwork)
    {
        _process = process;
        NamespacePid = namespacePid;
        OwnNetwork = ownNetwork;
    }

    /// <summary>True when the sandbox has a network namespace of its own (network denied).</summary>
    public bool OwnNetwork { get; }

    /// <summary>Host pid of the pid namespace's init: the target of nsenter.</summary>
    public int NamespacePid { get; }

    /// <summary>Variables every process gets to use the allowlist proxy (<see cref="Network.ProxyEnvironment"/>), or null.</summary>
    public IReadOnlyDictionary<string, string>? ProxyEnvironment { get; set; }

    /// <summary>The forwarder to the allowlist proxy (<see cref="ProxyBridge"/>) running inside, or null.</summary>
    public ProxyForwarder? Forwarder { get; set; }

    /// <summary>True while the namespaces still exist.</summary>
    public bool IsAlive => !_process.HasExited && Directory.Exists($"/proc/{NamespacePid.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Starts the holder and waits until its namespaces are set up.</summary>
    public static async Task<BubblewrapHolder> StartAsync(IReadOnlyList<string> argv, string sandboxId, bool ownNetwork, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = HostSandboxes.StandardPath,
            [HostSandboxes.SandboxIdVariable] = sandboxId,
        };
        LocalProcess process;
        try
        {
            process = LocalProcess.Start(argv, environment, "/", ownsProcessGroup: false);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SandboxException($"bwrap could not be started ({ex.Message}): apt-get install bubblewrap, or use tier \"native\".", ex);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReadyTimeout);
            string? line;
            try
            {
                line = await ReadLineAsync(process.StandardOutput, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                line = null;
            }

            if (line != "ready")
            {
                var error = await ReadErrorAsync(process);
                throw new SandboxException($"bubblewrap could not create the sandbox: {Explain(error)}");
            }

            var child = FindChild(process.LocalId) ?? throw new SandboxException("bubblewrap started, but its sandbox process could not be found in /proc.");
            return new BubblewrapHolder(process, child, ownNetwork);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Turns bwrap's setup errors into a message that says what to do.</summary>
    public static string Explain(string error)
    {
        var text = error.Trim();
        if (text.Contains("setting up uid map", StringComparison.Ordinal) || text.Contains("No permissions to create a new namespace", StringComparison.Ordinal)
            || text.Contains("Operation not permitted", StringComparison.Ordinal) || text.Contains("RTM_NEWADDR", StringComparison.Ordinal))
        {
            return $"{text} (user namespaces are not available to this user: enable them, e.g. sysctl kernel.unprivileged_userns_clone=1 or kernel.apparmor_restrict_unprivileged_userns=0, or use tier \"native\")";
        }

        return text.Length == 0 ? "bwrap exited without saying why" : text;
    }

    /// <summary>Ends the holder, and with it every process in the sandbox's pid namespace.</summary>
    public async ValueTask DisposeAsync()
    {
        Signals.Kill(NamespacePid);
        if (Forwarder is { } forwarder)
        {
            await forwarder.DisposeAsync();
        }

        await _process.DisposeAsync();
    }

    private static async Task<string?> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var buffer = new byte[1];
        while (await stream.ReadAsync(buffer, cancellationToken) == 1)
        {
            if (buffer[0] == '\n')
            {
                return Encoding.UTF8.GetString([.. bytes]);
            }

            bytes.Add(buffer[0]);
        }

        return null;
    }

    private static async Task<string> ReadErrorAsync(LocalProcess process)
    {
        process.Kill();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            using var reader = new StreamReader(process.StandardError);
            return await reader.ReadToEndAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return "";
        }
    }

    /// <summary>The first child of <paramref name="pid"/>: bwrap's init in the new pid namespace.</summary>
    private static int? FindChild(int pid)
    {
        var self = pid.ToString(CultureInfo.InvariantCulture);
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{self}/task"))
            {
                var first = File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                if (int.TryParse(first, CultureInfo.InvariantCulture, out var child))
                {
                    return child;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No children files (kernel without CONFIG_PROC_CHILDREN): scan parent links instead.
        }

        return ProcFs.ListProcesses().Where(p => p.ParentPid == pid).Select(p => (int?)p.Pid).FirstOrDefault();
    }
}
