namespace SandboxMcp.IntegrationTests.Vm;

/// <summary>The vm tier's network allowlist on real podman.</summary>
public sealed class PodmanAllowlistTests : VmAllowlistTests
{
    protected override string Engine => "podman";
}
