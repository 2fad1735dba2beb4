using System.Text.Json;
using SandboxMcp.Runtimes.Container;

namespace SandboxMcp.Tests.Runtimes.Container;

/// <summary>
/// The exact command line of every intent in every dialect, against hand-written golden files
/// (Golden/Argv/*.json). A dialect bug here is a bug users hit, so nothing in these files is generated.
/// </summary>
public sealed class DialectArgvGoldenTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var dialect in new[] { "apple", "podman", "docker" })
        {
            foreach (var intent in DialectIntents.All.Keys)
            {
                data.Add(dialect, intent);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Intent_Argv_MatchesGolden(string dialect, string intent)
    {
        var golden = Golden(dialect).GetProperty(intent);

        var actual = ProduceOrMarker(Dialect(dialect), intent);

        switch (golden.ValueKind)
        {
            case JsonValueKind.Null:
                Assert.Null(actual);
                break;
            case JsonValueKind.String:
                Assert.Equal(golden.GetString(), Assert.IsType<string>(actual));
                break;
            default:
                Assert.Equal(golden.EnumerateArray().Select(e => e.GetString()!).ToList(), Assert.IsAssignableFrom<IReadOnlyList<string>>(actual));
                break;
        }
    }

    [Theory]
    [InlineData("apple")]
    [InlineData("podman")]
    [InlineData("docker")]
    public void GoldenFile_CoversExactlyTheIntents(string dialect)
    {
        var names = Golden(dialect).EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(DialectIntents.All.Keys.Order(StringComparer.Ordinal), names);
    }

    [Theory]
    [InlineData("apple")]
    [InlineData("podman")]
    [InlineData("docker")]
    public void Exec_ArgumentsAfterTheContainer_AreThePassthroughArgvUnchanged(string dialect)
    {
        string[] argv = ["sh", "-c", "--rm -x 'quoted' $HOME; rm -rf /", "--", "-i"];

        var args = Dialect(dialect).Exec(DialectIntents.Container, null, [], new Dictionary<string, string>(), argv);

        var at = args.ToList().IndexOf(DialectIntents.Container);
        Assert.Equal(argv, args.Skip(at + 1));
    }

    [Fact]
    public void AppleRun_EveryFlag_PrecedesTheImage()
    {
        var args = (List<string>)DialectIntents.All["run"](new AppleContainerCli())!;

        var image = args.IndexOf(DialectIntents.Image);
        Assert.All(args.Take(image).Select((a, i) => (a, i)).Where(p => p.a.StartsWith('-')), p => Assert.True(p.i < image));
        Assert.Equal(["sleep", "infinity"], args.Skip(image + 1));
    }

    private static object? ProduceOrMarker(IContainerCli cli, string intent)
    {
        try
        {
            return DialectIntents.All[intent](cli);
        }
        catch (NotSupportedException)
        {
            return DialectIntents.NotSupported;
        }
    }

    private static IContainerCli Dialect(string name) => name switch
    {
        "apple" => new AppleContainerCli(),
        "podman" => new PodmanCli(new Dictionary<string, string>()),
        _ => new DockerCli(),
    };

    private static JsonElement Golden(string dialect) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "Argv", dialect + ".json"))).RootElement;
}
