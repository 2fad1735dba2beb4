using System.ComponentModel;
using System.Text;
using CliWrap;
using SandboxMcp.Common;

namespace SandboxMcp.Runtimes.Container;

/// <summary><see cref="ICommandRunner"/> on CliWrap: argv, no validation (exit codes are data), cancellation kills the tree.</summary>
public sealed class CliWrapCommandRunner : ICommandRunner
{
    /// <inheritdoc />
    public async Task<CommandOutput> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        Action<string>? onOutputLine,
        CancellationToken cancellationToken)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var command = Cli.Wrap(program)
            .WithArguments(arguments)
            .WithEnvironmentVariables(environment.ToDictionary(p => p.Key, p => (string?)p.Value))
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(onOutputLine is null ? PipeTarget.ToStringBuilder(stdout) : PipeTarget.Merge(PipeTarget.ToStringBuilder(stdout), PipeTarget.ToDelegate(onOutputLine)))
            .WithStandardErrorPipe(onOutputLine is null ? PipeTarget.ToStringBuilder(stderr) : PipeTarget.Merge(PipeTarget.ToStringBuilder(stderr), PipeTarget.ToDelegate(onOutputLine)));
        try
        {
            var result = await command.ExecuteAsync(cancellationToken);
            return new CommandOutput(result.ExitCode, stdout.ToString(), stderr.ToString());
        }
        catch (Win32Exception ex)
        {
            throw new SandboxException($"{program} could not be started ({ex.Message}): is it installed and on PATH?", ex);
        }
    }
}
