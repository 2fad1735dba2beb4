using SandboxMcp.Common;
using SandboxMcp.Runtimes.Native;
using SandboxMcp.Runtimes.Policy;

namespace SandboxMcp.Runtimes.Bubblewrap;

public sealed partial class BubblewrapRuntime
{
    /// <inheritdoc />
    public async Task<ISandboxProcess> StartProcessAsync(RuntimeHandle handle, ProcessSpec process, CancellationToken cancellationToken)
    {
        var holder = await EnsureHolderAsync(handle, cancellationToken);
        return StartInside(handle, holder, process);
    }

    /// <summary>Starts a process in the holder's namespaces, with the proxy variables when the sandbox has an allowlist.</summary>
    private LocalProcess StartInside(RuntimeHandle handle, BubblewrapHolder holder, ProcessSpec process)
    {
        var tools = _tools!;
        var variables = holder.ProxyEnvironment is { } proxy ? Network.ProxyEnvironment.Merge(proxy, process.Env) : process.Env;
        var environment = HostSandboxes.CleanEnvironment(handle, "/tmp", variables);
        var wrapper = BubblewrapArguments.ChangeDirectory(HostSandboxes.LimitsWrapper(handle));
        var setsid = HostSandboxes.SetsidPath;
        var argv = BubblewrapArguments.Enter(
            setsid, tools.Nsenter, tools.Setpriv, holder.NamespacePid, holder.OwnNetwork, process.WorkingDirectory ?? handle.WorkDir, wrapper, process.Argv);
        // nsenter starts on the host in "/"; the wrapper changes to the directory inside the sandbox.
        var started = HostSandboxes.Start(argv, environment, "/", "a process in the bubblewrap sandbox");
        if (setsid is not null)
        {
            HostSandboxes.Watch(watchdog, handle, started.LocalId);
        }

        return started;
    }

    /// <summary>
    /// The sandbox's holder, started when this server has none yet (creation, after a restart, or when it died):
    /// the directory persists, the namespaces are rebuilt from the policy recorded in the handle. Callers share one
    /// start; a failed start is retried by the next caller.
    /// </summary>
    private Task<BubblewrapHolder> EnsureHolderAsync(RuntimeHandle handle, CancellationToken cancellationToken)
    {
        if (_holders.TryGetValue(handle.Id, out var known) && IsUsable(known))
        {
            return known.WaitAsync(cancellationToken);
        }

        Task<BubblewrapHolder> task;
        lock (_holderGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_holders.TryGetValue(handle.Id, out known) && IsUsable(known))
            {
                task = known;
            }
            else
            {
                if (known is { IsCompletedSuccessfully: true })
                {
                    _ = known.Result.DisposeAsync().AsTask();
                }

                task = StartHolderAsync(handle);
                _holders[handle.Id] = task;
            }
        }

        return task.WaitAsync(cancellationToken);
    }

    private static bool IsUsable(Task<BubblewrapHolder> holder) =>
        !holder.IsCompleted || (holder.IsCompletedSuccessfully && holder.Result.IsAlive);

    private async Task<BubblewrapHolder> StartHolderAsync(RuntimeHandle handle)
    {
        if (!Directory.Exists(handle.WorkDir))
        {
            throw new SandboxException($"The sandbox directory {handle.WorkDir} is gone.");
        }

        if (_tools is null && !(await ProbeAsync(_stopping.Token)).IsAvailable)
        {
            throw new SandboxException($"The seatbelt tier cannot be used: {_probe.Last?.Detail}.");
        }

        var policy = PolicyProperty.Read(handle);
        var bridge = policy.UsesProxy ? ProxyBridge.Argv(policy, File.Exists) : null;
        var proxyDirectory = bridge is null ? null : StartProxy(handle, policy);
        var argv = BubblewrapArguments.Holder(
            _tools!.Bwrap, policy, Path.GetFileName(handle.Id), handle.Id, Environment.IsPrivilegedProcess, BubblewrapArguments.KindOnHost, proxyDirectory);
        var holder = await BubblewrapHolder.StartAsync(argv, handle.Id, !policy.NetworkAllowed, _stopping.Token);
        if (bridge is not null)
        {
            try
            {
                await StartBridgeAsync(handle, holder, bridge, _stopping.Token);
            }
            catch
            {
                await holder.DisposeAsync();
                throw;
            }
        }

        return holder;
    }
}
