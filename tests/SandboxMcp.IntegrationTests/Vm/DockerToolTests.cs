namespace SandboxMcp.IntegrationTests.Vm;

/// <summary>The vm tool suite on a real Docker Engine.</summary>
public sealed class DockerToolTests : VmToolTests
{
    protected override string Engine => "docker";
}
