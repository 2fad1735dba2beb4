using SandboxMcp.Configuration;

namespace SandboxMcp.Tests.Configuration;

public sealed class ConfigurationLoaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sbx-config-");

    private static readonly Dictionary<string, string?> NoEnvironment = [];

    private ServerPaths Paths => new(Path.Combine(_dir.FullName, "config.json"), Path.Combine(_dir.FullName, "state"));

    public void Dispose() => _dir.Delete(recursive: true);

    private ServerPaths WithFile(string json)
    {
        File.WriteAllText(Paths.ConfigFile, json);
        return Paths;
    }

    [Fact]
    public void Load_NoFile_GivesDocumentedDefaults()
    {
        var options = ConfigurationLoader.Load(Paths, [], NoEnvironment);

        Assert.Equal("auto", options.DefaultTier);
        Assert.Equal("auto", options.Engine);
        Assert.Equal("localhost/sandbox-mcp-base:bookworm", options.DefaultImage);
        Assert.Equal(1800, options.IdleTtlSeconds);
        Assert.Equal(30, options.DefaultTimeoutSeconds);
        Assert.Equal(50_000, options.MaxOutputBytes);
    }

    [Fact]
    public void Load_FullDesignExample_BindsEveryKey()
    {
        var paths = WithFile("""
            {
              "defaultTier": "vm", "engine": "podman",
              "defaultImage": "localhost/sandbox-mcp-base:bookworm",
              "idleTtlSeconds": 600, "defaultTimeoutSeconds": 20, "maxOutputBytes": 10000,
              "hostRoots": ["~/src"],
              "profiles": { "ml": { "tier": "vm", "image": "localhost/mcp-dev", "cpus": 4, "memory": "2g", "network": "default" } },
              "spawnPolicies": {
                "default": { "maxChildren": 3, "maxSpawns": 20, "cpuBudget": 2, "memoryBudget": "1g",
                             "allowedImages": [], "childTtlSeconds": 600, "childCanSpawn": false, "injectCtl": true }
              }
            }
            """);

        var options = ConfigurationLoader.Load(paths, [], NoEnvironment);

        Assert.Equal("vm", options.DefaultTier);
        Assert.Equal(600, options.IdleTtlSeconds);
        Assert.Equal(["~/src"], options.HostRoots);
        Assert.Equal(4, options.Profiles["ml"].Cpus);
        Assert.Equal("2g", options.Profiles["ml"].Memory);
        Assert.Equal(3, options.SpawnPolicies["default"].MaxChildren);
    }

    [Fact]
    public void Load_SeatbeltPathKeys_Bind()
    {
        var paths = WithFile("""
            {"profiles": {"ml": {"readOnlyPaths": ["~/src/lib"], "readWritePaths": ["/data/ml"], "deniedPaths": ["~/src/lib/.env"]}}}
            """);

        var options = ConfigurationLoader.Load(paths, [], NoEnvironment);

        Assert.Equal(["~/src/lib"], options.Profiles["ml"].ReadOnlyPaths);
        Assert.Equal(["/data/ml"], options.Profiles["ml"].ReadWritePaths);
        Assert.Equal(["~/src/lib/.env"], options.Profiles["ml"].DeniedPaths);
    }

    [Fact]
    public void Load_AllowedHosts_BindWithNetworkAllowlist()
    {
        var paths = WithFile("""
            {"sandboxDefaults": {"allowedHosts": ["pypi.org"]},
             "profiles": {"web": {"tier": "seatbelt", "network": "allowlist", "allowedHosts": ["*.pythonhosted.org", "10.0.0.5", "::1"]}}}
            """);

        var options = ConfigurationLoader.Load(paths, [], NoEnvironment);

        Assert.Equal(["pypi.org"], options.SandboxDefaults.AllowedHosts);
        Assert.Equal(["*.pythonhosted.org", "10.0.0.5", "::1"], options.Profiles["web"].AllowedHosts);
        Assert.Equal("allowlist", options.Profiles["web"].Network);
    }

    [Fact]
    public void Load_CommandLine_OverridesFile()
    {
        var paths = WithFile("""{"idleTtlSeconds": 600}""");

        var options = ConfigurationLoader.Load(paths, ["--idleTtlSeconds", "60"], NoEnvironment);

        Assert.Equal(60, options.IdleTtlSeconds);
    }

    [Theory]
    [InlineData("""{"idleTTLSecs": 5}""", "idleTTLSecs")]
    [InlineData("""{"profiles": {"ml": {"gpu": true}}}""", "gpu")]
    [InlineData("""{"defaultTier": "cloud"}""", "defaultTier")]
    [InlineData("""{"engine": "lxc"}""", "engine")]
    [InlineData("""{"profiles": {"ml": {"memory": "huge"}}}""", "profiles:ml:memory")]
    [InlineData("""{"profiles": {"ml": {"network": "wifi"}}}""", "profiles:ml:network")]
    [InlineData("""{"profiles": {"ML": {}}}""", "profiles:ML")]
    [InlineData("""{"profiles": {"ml": {"env": {"1X": "y"}}}}""", "profiles:ml:env:1X")]
    [InlineData("""{"maxOutputBytes": 10}""", "maxOutputBytes")]
    [InlineData("""{"defaultTimeoutSeconds": 99999}""", "defaultTimeoutSeconds")]
    [InlineData("""{"spawnPolicies": {"p": {"memoryBudget": "1"}}}""", "spawnPolicies:p:memoryBudget")]
    [InlineData("""{"logLevel": "Loud"}""", "logLevel")]
    [InlineData("""{"idleTtlSeconds": "soon"}""", "IdleTtlSeconds")]
    [InlineData("""{"profiles": {"ml": {"readOnlyPaths": ["relative/dir"]}}}""", "profiles:ml:readOnlyPaths:0")]
    [InlineData("""{"sandboxDefaults": {"deniedPaths": [""]}}""", "sandboxDefaults:deniedPaths:0")]
    [InlineData("""{"profiles": {"ml": {"readWritePaths": ["~x"]}}}""", "profiles:ml:readWritePaths:0")]
    [InlineData("""{"profiles": {"web": {"allowedHosts": ["github.com", "*"]}}}""", "profiles:web:allowedHosts:1: '*' would allow every host")]
    [InlineData("""{"profiles": {"web": {"allowedHosts": ["https://pypi.org/simple"]}}}""", "profiles:web:allowedHosts:0: 'https://pypi.org/simple' is a URL")]
    [InlineData("""{"profiles": {"web": {"allowedHosts": ["pypi.org:443"]}}}""", "profiles:web:allowedHosts:0: 'pypi.org:443' has a port")]
    [InlineData("""{"profiles": {"web": {"allowedHosts": ["*.com"]}}}""", "profiles:web:allowedHosts:0: '*.com' is too broad")]
    [InlineData("""{"profiles": {"web": {"allowedHosts": ["git*.com"]}}}""", "profiles:web:allowedHosts:0: 'git*.com' is not a host name")]
    [InlineData("""{"sandboxDefaults": {"allowedHosts": ["a..b"]}}""", "sandboxDefaults:allowedHosts:0")]
    [InlineData("""{"profiles": {"web": {"network": "none", "allowedHosts": ["pypi.org"]}}}""", "profiles:web:allowedHosts: set together with network \"none\"")]
    [InlineData("""{"profiles": {"web": {"network": "default", "allowedHosts": ["pypi.org"]}}}""", "profiles:web:allowedHosts: set together with network \"default\"")]
    [InlineData("""{"profiles": {"web": {"tier": "native", "allowedHosts": ["pypi.org"]}}}""", "profiles:web:allowedHosts: the network allowlist is available on the seatbelt tier and the vm tier with podman or docker, not tier \"native\"")]
    [InlineData("""{"engine": "apple", "profiles": {"web": {"tier": "vm", "allowedHosts": ["pypi.org"]}}}""", "profiles:web:allowedHosts: the network allowlist is available on the seatbelt tier and the vm tier with podman or docker, not engine \"apple\"")]
    [InlineData("""{"profiles": {"web": {"network": "allowlist"}}}""", "profiles:web:network: \"allowlist\" needs allowedHosts")]
    public void Load_InvalidConfiguration_ThrowsNamingTheKey(string json, string key)
    {
        var paths = WithFile(json);

        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Load(paths, [], NoEnvironment));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("podman")]
    [InlineData("docker")]
    [InlineData("auto")]
    public void Load_VmTierWithAllowedHosts_IsValidOnPodmanAndDocker(string engine)
    {
        var paths = WithFile("{\"engine\": \"" + engine + "\", \"profiles\": {\"web\": {\"tier\": \"vm\", \"allowedHosts\": [\"pypi.org\"]}}}");

        var options = ConfigurationLoader.Load(paths, [], NoEnvironment);

        Assert.Equal(["pypi.org"], options.Profiles["web"].AllowedHosts);
    }

    [Fact]
    public void Load_EnvironmentVariables_OverrideTheFileByDotNetConvention()
    {
        var paths = WithFile("""{"idleTtlSeconds": 600, "profiles": {"ml": {"memory": "1g"}}}""");
        var environment = new Dictionary<string, string?>
        {
            ["SANDBOXMCP_IDLETTLSECONDS"] = "60",
            ["SANDBOXMCP_PROFILES__ML__MEMORY"] = "4g",
            ["SANDBOXMCP_REQUIRE"] = "podman,docker",
            ["UNRELATED"] = "x",
        };

        var options = ConfigurationLoader.Load(paths, [], environment);

        Assert.Equal(60, options.IdleTtlSeconds);
        Assert.Equal("4g", options.Profiles["ml"].Memory);
    }

    [Fact]
    public void Load_UnknownEnvironmentVariableWithThePrefix_IsAnError()
    {
        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Load(Paths, [], new Dictionary<string, string?> { ["SANDBOXMCP_IDLE_TTL"] = "5" }));

        Assert.Contains("IDLE_TTL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedJson_ThrowsNamingTheFile()
    {
        var paths = WithFile("{ not json");

        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Load(paths, [], NoEnvironment));

        Assert.Contains(paths.ConfigFile, ex.Message, StringComparison.Ordinal);
    }
}
