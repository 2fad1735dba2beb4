using System.Text.Json;
using System.Text.Json.Serialization;
using SandboxMcp.Manager;
using SandboxMcp.Monitoring;
using SandboxMcp.Packages;
using SandboxMcp.Ports;
using SandboxMcp.Runtimes;
using SandboxMcp.State;
using SandboxMcp.Transfer;

namespace SandboxMcp.Tools;

/// <summary>
/// Source-generated JSON metadata for tool parameters and results: building tool schemas by reflection at
/// start-up costs more than everything else the server does before it answers initialize.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CommandResult))]
[JsonSerializable(typeof(Background.BackgroundInfo))]
[JsonSerializable(typeof(Background.LogsResult))]
[JsonSerializable(typeof(FileReadResult))]
[JsonSerializable(typeof(TransferResult))]
[JsonSerializable(typeof(SandboxMcp.Transfer.Git.GitCloneResult))]
[JsonSerializable(typeof(SandboxMcp.Transfer.Sync.SyncInfo))]
[JsonSerializable(typeof(SandboxStatus))]
[JsonSerializable(typeof(SandboxSummary))]
[JsonSerializable(typeof(HistoryEntry))]
[JsonSerializable(typeof(InstallResult))]
[JsonSerializable(typeof(SandboxStats))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(SnapshotInfo))]
[JsonSerializable(typeof(ImageBuildResult))]
[JsonSerializable(typeof(ExposeResult))]
[JsonSerializable(typeof(ForwardInfo))]
[JsonSerializable(typeof(NetworkInfo))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(double?))]
[JsonSerializable(typeof(long?))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
internal sealed partial class ToolJsonContext : JsonSerializerContext;
