using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SandboxMcp.Hosting;

/// <summary>
/// Writes log lines to <c>logs/sandbox-mcp-YYYYMMDD.log</c> under the state directory from a background writer,
/// so logging never blocks a tool call. Lines carry the process id: several servers may share the file.
/// </summary>
public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly ConcurrentDictionary<string, FileLogger> _loggers = new(StringComparer.Ordinal);
    private readonly string _directory;
    private readonly LogLevel _minimum;
    private readonly Task _writer;

    /// <summary>Starts a provider writing into <paramref name="directory"/>.</summary>
    public FileLoggerProvider(string directory, LogLevel minimum)
    {
        _directory = directory;
        _minimum = minimum;
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new FileLogger(this, name));

    /// <inheritdoc />
    public void Dispose()
    {
        _lines.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(2));
    }

    private async Task WriteLoopAsync()
    {
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        await foreach (var line in _lines.Reader.ReadAllAsync())
        {
            try
            {
                var file = Path.Combine(_directory, $"sandbox-mcp-{DateTime.UtcNow:yyyyMMdd}.log");
                await using var stream = new FileStream(file, new FileStreamOptions
                {
                    Mode = FileMode.Append,
                    Access = FileAccess.Write,
                    Share = FileShare.ReadWrite,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
                var batch = new StringBuilder().Append(pid).Append(' ').Append(line);
                while (batch.Length < 64 * 1024 && _lines.Reader.TryRead(out var next))
                {
                    batch.Append(pid).Append(' ').Append(next);
                }

                await stream.WriteAsync(Encoding.UTF8.GetBytes(batch.ToString()));
            }
            catch (IOException)
            {
                // The log file is a convenience; a full disk must not take the server down.
            }
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var text = new StringBuilder()
                .Append(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
                .Append(' ').Append(logLevel.ToString().ToUpperInvariant()[..4])
                .Append(' ').Append(category)
                .Append(": ").Append(formatter(state, exception));
            if (exception is not null)
            {
                text.Append('\n').Append(exception);
            }

            provider._lines.Writer.TryWrite(text.Append('\n').ToString());
        }
    }
}
