using System.Reflection;
using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.IntegrationTests.Vm;

/// <summary>
/// A real dialect that claims it cannot <c>commit</c>, as Apple <c>container</c> cannot, so the in-guest tar and
/// image build path of snapshots runs against a real engine here.
/// </summary>
public class WithoutCommit : DispatchProxy
{
    private IContainerCli? _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public static IContainerCli Wrap(IContainerCli inner)
    {
        var proxy = Create<IContainerCli, WithoutCommit>();
        ((WithoutCommit)(object)proxy)._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod?.Name == "get_SupportsCommit" ? false : targetMethod!.Invoke(_inner, args);
}
