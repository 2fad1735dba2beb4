namespace SandboxMcp.Tests.Runtimes.Seatbelt;

/// <summary>Compares with a file under Golden/; a missing file is written from the actual value and the test fails, for review.</summary>
internal static class GoldenText
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>An argv as indented JSON with readable non-ASCII characters.</summary>
    public static string Argv(IReadOnlyList<string> argv) => System.Text.Json.JsonSerializer.Serialize(argv, Json) + "\n";

    public static void Matches(string actual, params string[] path)
    {
        var file = Path.Combine([AppContext.BaseDirectory, "Golden", .. path]);
        if (!File.Exists(file))
        {
            var source = Path.Combine([SourceGolden(), .. path]);
            File.WriteAllText(source, actual);
            Assert.Fail($"Golden file {source} did not exist: written from this run; review it and run again.");
        }

        Assert.Equal(File.ReadAllText(file), actual);
    }

    private static string SourceGolden([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "Golden");
}
