using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SandboxMcp.Common;
using SandboxMcp.Configuration;
using SandboxMcp.Manager;

namespace SandboxMcp.Children;

/// <summary>
/// One unix socket per sandbox that may spawn children (mode 0600, in a 0700 directory under the state dir).
/// The caller is known by the socket a request arrives on, never by anything it says. NDJSON: one request per
/// line, one response per line with the same id. Bad input gets an error line or a closed connection; a slow,
/// silent or flooding client never holds up others.
/// </summary>
public sealed partial class SandboxCtlServer(ServerPaths paths, IServiceProvider services, ILogger<SandboxCtlServer> logger) : IAsyncDisposable
{
    /// <summary>Longest request line accepted.</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>Connections served at once per sandbox; more are told BUSY and closed.</summary>
    public const int MaxConnections = 32;

    /// <summary>How long a connection may sit without sending a complete request.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Listener> _listeners = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The in-sandbox client, a Python 3 script (the base image has python3).</summary>
    public static byte[] ClientScript { get; } = LoadClient();

    private sealed record Listener(Socket Socket, SemaphoreSlim Slots, Task Loop);

    /// <summary>The host directory that holds a sandbox's socket (<c>ctl.sock</c>); short, so the path fits in sun_path.</summary>
    public string DirectoryFor(string sandbox) =>
        Path.Combine(paths.SocketDirectory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sandbox)))[..12]);

    /// <summary>
    /// Listens for <paramref name="sandbox"/> unless a live server already does (several servers share sandboxes;
    /// a socket nobody answers on is stale and taken over).
    /// </summary>
    public void EnsureListening(string sandbox, string directory)
    {
        if (_listeners.TryGetValue(sandbox, out var existing) && !existing.Loop.IsCompleted)
        {
            return;
        }

        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(directory, "ctl.sock");
        if (File.Exists(path) && Answers(path))
        {
            return;
        }

        Socket socket;
        try
        {
            socket = UnixSocketListener.Listen(path);
        }
        catch (SocketException ex)
        {
            LogListenFailed(ex, sandbox, path);
            return;
        }

        var slots = new SemaphoreSlim(MaxConnections, MaxConnections);
        _listeners[sandbox] = new Listener(socket, slots, Task.Run(() => AcceptLoopAsync(sandbox, socket, slots, _stopping.Token)));
        LogListening(sandbox, path);
    }

    /// <summary>Stops listening for a sandbox and removes its socket.</summary>
    public void Stop(string sandbox)
    {
        if (_listeners.TryRemove(sandbox, out var listener))
        {
            listener.Socket.Dispose();
        }

        var directory = DirectoryFor(sandbox);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static bool Answers(string path)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private Task AcceptLoopAsync(string sandbox, Socket listener, SemaphoreSlim slots, CancellationToken cancellationToken) =>
        BoundedAccept.RunAsync(listener, slots, client => ServeAsync(sandbox, client, slots, cancellationToken), RefuseAsync, cancellationToken);

    private static async Task RefuseAsync(Socket client)
    {
        using (client)
        await using (var stream = new NetworkStream(client, ownsSocket: false))
        {
            try
            {
                await stream.WriteAsync(ErrorLine(null, SpawnError.Busy, $"more than {MaxConnections} connections at once: retry shortly"));
            }
            catch (IOException)
            {
                // Gone already.
            }
        }
    }

    private async Task ServeAsync(string sandbox, Socket client, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
            try
            {
                while (await ReadLineAsync(reader, cancellationToken) is { } line)
                {
                    if (line.Length == 0)
                    {
                        continue;
                    }

                    var response = await HandleAsync(sandbox, line, cancellationToken);
                    await stream.WriteAsync(response, cancellationToken);
                }
            }
            catch (SpawnError error)
            {
                // A line too long: answer once, then hang up (we cannot know where the next request starts).
                await stream.WriteAsync(ErrorLine(null, error.Code, error.Message), cancellationToken);
            }
            finally
            {
                await reader.CompleteAsync();
            }
        }
#pragma warning disable CA1031 // A client hanging up or misbehaving ends its own connection, never the listener.
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
#pragma warning restore CA1031
        {
            LogConnectionEnded(sandbox, ex);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>One line without its newline; null at end of stream or after the idle timeout.</summary>
    private static async Task<byte[]?> ReadLineAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(IdleTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(idle.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            var buffer = result.Buffer;
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is { } end)
            {
                var line = buffer.Slice(0, end).ToArray();
                reader.AdvanceTo(buffer.GetPosition(1, end));
                return line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
            }

            if (buffer.Length > MaxLineBytes)
            {
                reader.AdvanceTo(buffer.End);
                throw new SpawnError(SpawnError.InvalidRequest, $"request line longer than {MaxLineBytes} bytes");
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task<byte[]> HandleAsync(string sandbox, byte[] line, CancellationToken cancellationToken)
    {
        string? id = null;
        try
        {
            var request = CtlRequest.Parse(line);
            id = request.Id;
            var result = await DispatchAsync(sandbox, request, cancellationToken);
            return Line(new JsonObject { ["id"] = id, ["result"] = result });
        }
        catch (SpawnError error)
        {
            return ErrorLine(id, error.Code, error.Message);
        }
        catch (SandboxException error)
        {
            return ErrorLine(id, SpawnError.InvalidRequest, error.Message);
        }
#pragma warning disable CA1031 // The client gets an error line; the server logs the bug and goes on serving.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogRequestFailed(ex, sandbox);
            return ErrorLine(id, SpawnError.InternalError, $"the server failed ({ex.GetType().Name}); see its log");
        }
    }

    private async Task<JsonNode> DispatchAsync(string sandbox, CtlRequest request, CancellationToken cancellationToken)
    {
        var manager = services.GetRequiredService<SandboxManager>();
        manager.Touch(sandbox);
        switch (request.Op)
        {
            case "ping":
                return new JsonObject { ["ok"] = true, ["parent"] = sandbox };
            case "spawn":
                return Serialize(await manager.SpawnAsync(sandbox, ChildRequestOf(request), cancellationToken));
            case "list":
                return new JsonObject { ["children"] = Serialize(await manager.ListChildrenAsync(sandbox, cancellationToken)) };
            case "exec":
                return Serialize(await manager.ExecChildAsync(sandbox, request.RequiredString("name"), request.Command(), request.Text("workdir"), Timeout(request, manager), cancellationToken));
            case "destroy":
                await manager.DestroyChildAsync(sandbox, request.RequiredString("name"), cancellationToken);
                return new JsonObject { ["ok"] = true };
            case "run":
                var command = request.Command();
                return Serialize(await manager.RunChildAsync(sandbox, ChildRequestOf(request) with { Name = null }, command, Timeout(request, manager), cancellationToken));
            case "":
                throw new SpawnError(SpawnError.InvalidRequest, "'op' is required: ping, spawn, list, exec, destroy or run");
            default:
                throw new SpawnError(SpawnError.InvalidRequest, $"unknown op '{InputValidation.Printable(request.Op)}': use ping, spawn, list, exec, destroy or run");
        }
    }

    private static ChildRequest ChildRequestOf(CtlRequest request) =>
        new(request.Text("name"), request.Text("image"), request.Number("cpus"), request.Text("memory"));

    private static TimeSpan Timeout(CtlRequest request, SandboxManager manager) =>
        InputValidation.Timeout(request.Number("timeout"), manager.Options.DefaultTimeoutSeconds, manager.Options.MaxTimeoutSeconds);

    private static JsonNode Serialize<T>(T value) => JsonSerializer.SerializeToNode(value, SnakeCaseJson.Options)!;

    private static byte[] Line(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString() + "\n");

    private static byte[] ErrorLine(string? id, string code, string message) =>
        Line(new JsonObject { ["id"] = id, ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    private static byte[] LoadClient()
    {
        using var stream = typeof(SandboxCtlServer).Assembly.GetManifestResourceStream("sandbox-ctl.py")
            ?? throw new InvalidOperationException("sandbox-ctl.py is not embedded");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var (sandbox, listener) in _listeners)
        {
            listener.Socket.Dispose();
            File.Delete(Path.Combine(DirectoryFor(sandbox), "ctl.sock"));
        }

        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "sandbox-ctl listening for {Sandbox} on {Path}")]
    private partial void LogListening(string sandbox, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sandbox-ctl could not listen for {Sandbox} on {Path}")]
    private partial void LogListenFailed(Exception exception, string sandbox, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "sandbox-ctl connection of {Sandbox} ended")]
    private partial void LogConnectionEnded(string sandbox, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "sandbox-ctl request of {Sandbox} failed")]
    private partial void LogRequestFailed(Exception exception, string sandbox);
}
