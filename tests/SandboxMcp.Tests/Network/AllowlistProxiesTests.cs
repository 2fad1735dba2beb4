using Microsoft.Extensions.Logging.Abstractions;
using SandboxMcp.Configuration;
using SandboxMcp.Network;

namespace SandboxMcp.Tests.Network;

public sealed class AllowlistProxiesTests : IAsyncDisposable
{
    private const string Sandbox = "/state/seatbelt/web";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sbx-proxies-");
    private readonly AllowlistProxies _sut;

    public AllowlistProxiesTests() =>
        _sut = new AllowlistProxies(new ServerPaths(Path.Combine(_dir.FullName, "config.json"), _dir.FullName), NullLoggerFactory.Instance);

    public async ValueTask DisposeAsync()
    {
        await _sut.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public void EnsureUnix_Twice_IsOneProxyInAPrivateDirectory()
    {
        var first = _sut.EnsureUnix(Sandbox, "web", ["pypi.org"]);
        var second = _sut.EnsureUnix(Sandbox, "web", ["pypi.org"]);

        var directory = _sut.DirectoryFor(Sandbox);
        Assert.Same(first, second);
        Assert.True(File.Exists(Path.Combine(directory, AllowlistProxies.SocketName)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.True(Path.Combine(directory, AllowlistProxies.SocketName).Length < 108, "the path must fit in sun_path");
    }

    [Fact]
    public async Task EnsureUnix_Lasting_KeepsItsDirectoryWhenTheServerStopsAndRemovesItWhenTheSandboxGoes()
    {
        var directory = _sut.LastingDirectoryFor(Sandbox);
        _sut.EnsureUnix(Sandbox, "web", ["pypi.org"], lasting: true);

        await using (var next = new AllowlistProxies(new ServerPaths(Path.Combine(_dir.FullName, "config.json"), _dir.FullName), NullLoggerFactory.Instance))
        {
            await _sut.DisposeAsync();
            Assert.True(Directory.Exists(directory), "a container's mount of it outlives the server");
            next.EnsureUnix(Sandbox, "web", ["pypi.org"], lasting: true);
            Assert.True(File.Exists(Path.Combine(directory, AllowlistProxies.SocketName)));
            await next.StopAsync(Sandbox);
        }

        Assert.False(Directory.Exists(directory));
        Assert.NotEqual(_sut.DirectoryFor(Sandbox), directory);
    }

    [Fact]
    public async Task StopAsync_EndsTheProxyAndRemovesItsDirectory()
    {
        _sut.EnsureUnix(Sandbox, "web", ["pypi.org"]);

        await _sut.StopAsync(Sandbox);

        Assert.Null(_sut.Find(Sandbox));
        Assert.False(Directory.Exists(_sut.DirectoryFor(Sandbox)));
    }

    [Fact]
    public void EnsureUnix_DirectoryLeftByADeadServer_IsRemoved()
    {
        var mine = _sut.DirectoryFor(Sandbox);
        var stale = mine[..mine.LastIndexOf('-')] + "-2147483646";
        var otherSandbox = _sut.DirectoryFor("/state/seatbelt/other")[..mine.LastIndexOf('-')] + "-2147483646";
        Directory.CreateDirectory(stale);
        Directory.CreateDirectory(otherSandbox);

        _sut.EnsureUnix(Sandbox, "web", ["pypi.org"]);

        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(otherSandbox), "another sandbox's directory is not this one's to remove");
    }
}
