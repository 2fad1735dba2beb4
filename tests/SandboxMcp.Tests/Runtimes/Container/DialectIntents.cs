using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Tests.Runtimes.Container;

/// <summary>
/// Every intent a dialect turns into argv, with fixed inputs, for the golden files under Golden/Argv/. An
/// intent an engine cannot express yields null (no such command) or <see cref="NotSupported"/> (it throws).
/// </summary>
internal static class DialectIntents
{
    public const string NotSupported = "not supported";
    public const string Container = "mcp-sb-0123456789-web";
    public const string Image = "localhost/sandbox-mcp-base:bookworm";
    public const string Snapshot = "localhost/sandbox-mcp-snapshot-0123456789:first";
    public const string Workspace = "mcp-ws-0123456789-web";
    public const string Network = "mcp-net-0123456789";

    public static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["sandbox-mcp.sandbox"] = "web",
        ["sandbox-mcp.owner"] = "0123456789",
    };

    private static readonly ContainerRunSpec Run = new()
    {
        Name = Container,
        Image = Image,
        Labels = Labels,
        Cpus = 1.5,
        MemoryBytes = 512L << 20,
        Pids = 256,
        Network = Network,
        NetworkAlias = "web",
        Hostname = "web",
        Volumes = [(Workspace, "/workspace"), ("mcp-cache-apt-0123456789-web", "/var/cache/apt")],
    };

    public static readonly IReadOnlyDictionary<string, Func<IContainerCli, IReadOnlyList<string>?>> All =
        new Dictionary<string, Func<IContainerCli, IReadOnlyList<string>?>>(StringComparer.Ordinal)
        {
            ["probe"] = cli => cli.Probe(),
            ["image_exists"] = cli => cli.ImageExists(Image),
            ["run"] = cli => cli.Run(Run),
            ["run_no_network"] = cli => cli.Run(Run with { Cpus = 2, MemoryBytes = 1L << 30, Pids = 1024, Network = null, NetworkAlias = null, Volumes = [(Workspace, "/workspace")] }),
            ["run_allowlist"] = cli => cli.Run(Run with
            {
                Network = null,
                NetworkAlias = null,
                Volumes = [(Workspace, "/workspace")],
                ProxyDirectory = "/state/sockets/px-0123456789ab",
            }),
            ["run_odd_sizes"] = cli => cli.Run(Run with { Cpus = 0.5, MemoryBytes = 100_000_000, Pids = 64, NetworkAlias = null, Volumes = [] }),
            ["exec_plain"] = cli => cli.Exec(Container, null, [], new Dictionary<string, string>(), ["sh"]),
            ["exec_full"] = cli => cli.Exec(
                Container,
                "/workspace/src",
                ["API_TOKEN", "HF_HOME"],
                new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" },
                ["sh", "-c", "echo \"$1\"", "sh", "-x"]),
            ["inspect"] = cli => cli.Inspect(Container),
            ["start"] = cli => cli.Start(Container),
            ["unpause"] = cli => cli.Unpause(Container),
            ["remove"] = cli => cli.Remove(Container),
            ["list"] = cli => cli.List("sandbox-mcp.owner", "0123456789"),
            ["create_volume"] = cli => cli.CreateVolume(Workspace, Labels),
            ["remove_volume"] = cli => cli.RemoveVolume(Workspace),
            ["network_exists"] = cli => cli.NetworkExists(Network),
            ["create_network"] = cli => cli.CreateNetwork(Network, new Dictionary<string, string> { ["sandbox-mcp.owner"] = "0123456789" }),
            ["stats"] = cli => cli.Stats(Container),
            ["commit"] = cli => cli.Commit(Container, Snapshot, Labels),
            ["build"] = cli => cli.Build(Snapshot, "/state/tmp/capture-1/Containerfile", "/state/tmp/capture-1", Labels),
            ["list_images"] = cli => cli.ListImages(),
            ["remove_image"] = cli => cli.RemoveImage(Snapshot),
        };
}
