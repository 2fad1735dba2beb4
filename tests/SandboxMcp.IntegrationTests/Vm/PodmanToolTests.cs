namespace SandboxMcp.IntegrationTests.Vm;

/// <summary>The vm tool suite on real podman.</summary>
public sealed class PodmanToolTests : VmToolTests
{
    protected override string Engine => "podman";
}
