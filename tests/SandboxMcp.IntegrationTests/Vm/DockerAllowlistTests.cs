namespace SandboxMcp.IntegrationTests.Vm;

/// <summary>The vm tier's network allowlist on real docker.</summary>
public sealed class DockerAllowlistTests : VmAllowlistTests
{
    protected override string Engine => "docker";
}
