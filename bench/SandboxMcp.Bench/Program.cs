using SandboxMcp.Bench;

// Usage: dotnet run -c Release --project bench/SandboxMcp.Bench -- [suite ...] [--calls N]
// Suites add themselves to this table; with no suite named, all run.
var suites = new Dictionary<string, Func<int, CancellationToken, Task>>(StringComparer.Ordinal)
{
    ["native"] = NativeBench.RunAsync,
    ["vm"] = VmBench.RunAsync,
    ["children"] = ChildrenBench.RunAsync,
    ["transfer"] = TransferBench.RunAsync,
    ["seatbelt"] = SeatbeltBench.RunAsync,
    ["expose"] = ExposeBench.RunAsync,
};

var calls = 1000;
var named = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--calls" && i + 1 < args.Length)
    {
        calls = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
    }
    else if (suites.ContainsKey(args[i]))
    {
        named.Add(args[i]);
    }
    else
    {
        Console.Error.WriteLine($"unknown suite {args[i]}; suites: {string.Join(", ", suites.Keys)}");
        return 2;
    }
}

using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(30));
foreach (var name in named.Count > 0 ? named : [.. suites.Keys])
{
    await suites[name](calls, cts.Token);
    Console.WriteLine();
}

return 0;
