using System.IO.Pipes;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SandboxMcp.Hosting;

namespace SandboxMcp.Tests.Hosting;

/// <summary>A <see cref="StdioTransport"/> over real OS pipes, with the client's ends of them.</summary>
internal sealed class TransportPipes : IAsyncDisposable
{
    private readonly AnonymousPipeServerStream _clientReads = new(PipeDirection.In);

    public TransportPipes(IInlineRequests? inline = null)
    {
        var input = new AnonymousPipeClientStream(PipeDirection.In, ClientWrites.ClientSafePipeHandle);
        Transport = new StdioTransport(
            input,
            new AnonymousPipeClientStream(PipeDirection.Out, _clientReads.ClientSafePipeHandle),
            NullLogger<StdioTransport>.Instance,
            inline,
            input.SafePipeHandle);
        Output = new StreamReader(_clientReads, Encoding.UTF8);
    }

    /// <summary>The client's end of the server's stdin.</summary>
    public AnonymousPipeServerStream ClientWrites { get; } = new(PipeDirection.Out);

    public StdioTransport Transport { get; }

    /// <summary>What the server wrote to its stdout, as the client reads it.</summary>
    public StreamReader Output { get; }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        await ClientWrites.DisposeAsync();
        await _clientReads.DisposeAsync();
        Output.Dispose();
    }
}
