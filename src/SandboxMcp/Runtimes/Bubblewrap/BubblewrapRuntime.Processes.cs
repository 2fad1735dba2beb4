using System.ComponentModel;
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
        var tools = _tools!;
        var environment = HostSandboxes.CleanEnvironment(handle, "/tmp", process.Env);
        var wrapper = BubblewrapArguments.ChangeDirectory(HostSandboxes.LimitsWrapper(handle));
        var setsid = HostSandboxes.SetsidPath;
        var argv = BubblewrapArguments.Enter(
            setsid, tools.Nsenter, tools.Setpriv, holder.NamespacePid, holder.OwnNetwork, process.WorkingDirectory ?? handle.WorkDir, wrapper, process.Argv);
        LocalProcess started;
        try
        {
            started = LocalProcess.Start(argv, environment, "/", ownsProcessGroup: setsid is not null);
        }
        catch (Win32Exception ex)
        {
            throw new SandboxException($"Could not start a process in the bubblewrap sandbox: {ex.Message}", ex);
        }

        if (setsid is not null)
        {
            HostSandboxes.Watch(watchdog, handle, started.LocalId);
        }

        return started;
    }

    /// <summary>
    /// The sandbox's holder, started when this server has none yet (first use, after a restart, or when it died):
    /// the directory persists, the namespaces are rebuilt from the policy recorded in the handle.
    /// </summary>
    private async Task<BubblewrapHolder> EnsureHolderAsync(RuntimeHandle handle, CancellationToken cancellationToken)
    {
        if (_holders.TryGetValue(handle.Id, out var holder) && holder.IsAlive)
        {
            return holder;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        await _holderLock.WaitAsync(cancellationToken);
        try
        {
            if (_holders.TryGetValue(handle.Id, out holder))
            {
                if (holder.IsAlive)
                {
                    return holder;
                }

                _holders.TryRemove(handle.Id, out _);
                await holder.DisposeAsync();
            }

            if (!Directory.Exists(handle.WorkDir))
            {
                throw new SandboxException($"The sandbox directory {handle.WorkDir} is gone.");
            }

            if (_tools is null && !(await ProbeAsync(cancellationToken)).IsAvailable)
            {
                throw new SandboxException($"The seatbelt tier cannot be used: {_probe?.Result.Detail}.");
            }

            var policy = PolicyProperty.Read(handle);
            var argv = BubblewrapArguments.Holder(
                _tools!.Bwrap, policy, Path.GetFileName(handle.Id), handle.Id, Environment.IsPrivilegedProcess, BubblewrapArguments.KindOnHost);
            holder = await BubblewrapHolder.StartAsync(argv, handle.Id, !policy.NetworkAllowed, cancellationToken);
            _holders[handle.Id] = holder;
            return holder;
        }
        finally
        {
            _holderLock.Release();
        }
    }
}
