using Microsoft.Extensions.Logging;

namespace SandboxMcp.Tests.Network;

/// <summary>A logger that keeps every formatted message, at every level, to check what a component writes.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public string Text => string.Join('\n', _lines);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
}
