using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using SandboxMcp.Common;
using SandboxMcp.Runtimes;
using SandboxMcp.Shell;

namespace SandboxMcp.Transfer;

/// <summary>
/// Files between host and sandbox as tar streams over the stdin or stdout of one <c>tar</c> process started in the
/// sandbox: no shared mounts, the same on every tier. The host side reads and writes tar with System.Formats.Tar,
/// streaming: memory stays flat whatever the size.
/// </summary>
public static class SandboxTar
{
    private const int OutputBytes = 8192;

    /// <summary>
    /// Sends the host file or directory <paramref name="hostPath"/> (a real path) to <paramref name="target"/> (absolute):
    /// a directory's contents go into the target directory, a file to the target path (into it when it is a directory).
    /// </summary>
    public static async Task<TransferResult> UploadAsync(IProcessLauncher launcher, string hostPath, string target, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        TransferCounts counts;
        string landed;
        string kind;
        if (HostFiles.Kind(hostPath) == HostFileKind.Directory)
        {
            var entries = HostTree.Walk(hostPath).ToList();
            counts = await SendEntriesAsync(launcher, target, entries, progress, cancellationToken);
            (landed, kind) = (target, "directory");
        }
        else
        {
            var name = Path.GetFileName(hostPath);
            var entry = HostTree.Describe(Path.GetDirectoryName(hostPath)!, name)
                ?? throw new SandboxException($"host_path {hostPath} does not exist: give an existing file or directory.");
            (counts, landed) = await SendAsync(
                launcher,
                new ProcessSpec(["sh", "-c", FileScripts.ExtractFile, "sandbox-mcp-upload", target, name]),
                $"upload to {target}",
                [entry],
                progress,
                cancellationToken);
            kind = "file";
        }

        return Result(hostPath, landed.Length > 0 ? landed : target, kind, counts, started, null);
    }

    /// <summary>Sends <paramref name="entries"/> (relative to their root) into the directory <paramref name="targetDirectory"/>.</summary>
    public static async Task<TransferCounts> SendEntriesAsync(IProcessLauncher launcher, string targetDirectory, IReadOnlyList<HostEntry> entries, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var (counts, _) = await SendAsync(
            launcher,
            new ProcessSpec(["sh", "-c", FileScripts.ExtractInto, "sandbox-mcp-upload", targetDirectory]),
            $"upload to {targetDirectory}",
            entries,
            progress,
            cancellationToken);
        return counts;
    }

    /// <summary>
    /// Writes several files (absolute paths, exact bytes) through one tar process; each lands by a rename, parents
    /// created, the executable bit of a replaced file kept. Every path is checked before anything is written.
    /// </summary>
    public static async Task WriteFilesAsync(IProcessLauncher launcher, IReadOnlyList<(string Path, byte[] Content)> files, CancellationToken cancellationToken)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var now = DateTimeOffset.UtcNow;
        var output = await RunWriterAsync(
            launcher,
            new ProcessSpec(["sh", "-c", FileScripts.BatchWrite, "sandbox-mcp-batch", nonce, .. files.Select(f => f.Path)]),
            (writer, counts, ct) =>
            {
                foreach (var (path, content) in files)
                {
                    var slash = path.LastIndexOf('/');
                    var temp = $"{path[..slash]}/.{path[(slash + 1)..]}.sandbox-mcp-{nonce}.tmp";
                    var entry = new GnuTarEntry(TarEntryType.RegularFile, temp.TrimStart('/'))
                    {
                        Mode = (UnixFileMode)0x1A4, // 0644; the umask of the sandbox applies
                        ModificationTime = now,
                        DataStream = new MemoryStream(content, writable: false),
                    };
                    writer.WriteEntry(entry);
                    counts.Files++;
                }
            },
            null,
            null,
            cancellationToken);
        if (output.ExitCode != 0)
        {
            throw new SandboxException($"Could not write the files: {output.Error}");
        }
    }

    /// <summary>
    /// Fetches <paramref name="source"/> from the sandbox into the host path <paramref name="hostTarget"/> (a real
    /// path under the host roots). The archive is extracted into a staging directory beside the target with every
    /// entry checked (<see cref="TarExtractor"/>), then renamed into place; existing host files are replaced only
    /// with <paramref name="overwrite"/>, and a refusal changes nothing.
    /// </summary>
    public static async Task<TransferResult> DownloadAsync(IProcessLauncher launcher, string source, string hostTarget, bool overwrite, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var targetKind = HostFiles.Kind(hostTarget);
        if (targetKind is HostFileKind.File or HostFileKind.Symlink && !overwrite)
        {
            throw new SandboxException($"Download refused: host_path {hostTarget} already exists. Nothing was changed: pass overwrite: true to replace it, or choose another host_path.");
        }

        var stagingParent = targetKind == HostFileKind.Directory ? hostTarget : Path.GetDirectoryName(hostTarget)!;
        Directory.CreateDirectory(stagingParent);
        var staging = Path.Combine(stagingParent, ".sandbox-mcp-download-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var extractor = new TarExtractor(staging);
            var note = await ReceiveAsync(launcher, source, extractor, progress, cancellationToken);

            if (extractor.HasRoot)
            {
                StagedMerge.MergeDirectory(staging, hostTarget, overwrite, extractor.DirectoryModes);
                return Result(hostTarget, source, "directory", extractor.Counts, started, note);
            }

            if (extractor.TopLevel is not [var name] || HostFiles.Kind(Path.Combine(staging, name)) != HostFileKind.File)
            {
                throw new SandboxException($"The sandbox sent an unexpected archive for {source} (not one file, not a directory): nothing was written.");
            }

            var destination = targetKind == HostFileKind.Directory ? Path.Combine(hostTarget, name) : hostTarget;
            StagedMerge.MoveFile(Path.Combine(staging, name), destination, overwrite);
            return Result(destination, source, "file", extractor.Counts, started, note);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static async Task<string?> ReceiveAsync(IProcessLauncher launcher, string source, TarExtractor extractor, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        progress?.Report($"download {source}");
        await using var process = await launcher.StartAsync(new ProcessSpec(["sh", "-c", FileScripts.Archive, "sandbox-mcp-download", source]), cancellationToken);
        await process.StandardInput.DisposeAsync();
        var stderr = new CappedOutput(OutputBytes);
        var readErr = ProcessRunner.DrainAsync(process.StandardError, stderr, cancellationToken);
        Exception? malformed = null;
        try
        {
            await RunBlockingAsync(process, () =>
            {
                var counting = new ProgressStream(process.StandardOutput, "downloaded", null, progress);
                using var reader = new TarReader(counting, leaveOpen: true);
                extractor.Extract(reader, cancellationToken);
            }, cancellationToken);
        }
        catch (SandboxException)
        {
            process.Kill();
            throw;
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or ArgumentException or IOException)
        {
            malformed = ex;
            process.Kill();
        }

        await readErr;
        var exitCode = await process.WaitForExitAsync(cancellationToken);
        var error = stderr.Decode().Trim();
        if (malformed is null && exitCode == 0)
        {
            return null;
        }

        if (malformed is null && exitCode == 1 && extractor.Counts.Files + extractor.Counts.Directories + extractor.Counts.Links > 0)
        {
            // GNU tar: "file changed as we read it" and similar warnings; the archive itself was complete.
            return "tar warned: " + error;
        }

        throw new SandboxException(error.Length > 0
            ? $"Could not download {source}: {error}"
            : $"Could not download {source}: the archive from the sandbox was cut or malformed ({malformed?.Message ?? $"tar exit {exitCode}"}). Nothing was written.");
    }

    private static async Task<(TransferCounts Counts, string Stdout)> SendAsync(
        IProcessLauncher launcher,
        ProcessSpec spec,
        string what,
        IReadOnlyList<HostEntry> entries,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var total = entries.Sum(e => e.Length);
        progress?.Report($"{what}: {entries.Count} entries, {ProgressStream.Megabytes(total)}");
        var output = await RunWriterAsync(
            launcher,
            spec,
            (writer, counts, ct) =>
            {
                foreach (var entry in entries)
                {
                    ct.ThrowIfCancellationRequested();
                    WriteEntry(writer, entry, counts);
                }
            },
            total,
            progress,
            cancellationToken);
        return output.ExitCode == 0
            ? (output.Counts, output.Stdout)
            : throw new SandboxException($"Could not {what}: {output.Error}");
    }

    private static async Task<WriterOutput> RunWriterAsync(
        IProcessLauncher launcher,
        ProcessSpec spec,
        Action<TarWriter, TransferCounts, CancellationToken> write,
        long? total,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        await using var process = await launcher.StartAsync(spec, cancellationToken);
        var stdout = new CappedOutput(OutputBytes);
        var stderr = new CappedOutput(OutputBytes);
        var readOut = ProcessRunner.DrainAsync(process.StandardOutput, stdout, cancellationToken);
        var readErr = ProcessRunner.DrainAsync(process.StandardError, stderr, cancellationToken);
        var counts = new TransferCounts();
        string? broken = null;
        try
        {
            await RunBlockingAsync(process, () =>
            {
                var counting = new ProgressStream(process.StandardInput, "uploaded", total, progress);
                using (var writer = new TarWriter(counting, TarEntryFormat.Gnu, leaveOpen: true))
                {
                    write(writer, counts, cancellationToken);
                }

                process.StandardInput.Dispose();
            }, cancellationToken);
        }
        catch (IOException ex)
        {
            // Most likely tar stopped reading (it failed); its exit code and stderr say why.
            broken = ex.Message;
        }

        await Task.WhenAll(readOut, readErr);
        var exitCode = await process.WaitForExitAsync(cancellationToken);
        var error = stderr.Decode().Trim();
        return new WriterOutput(broken is null ? exitCode : Math.Max(exitCode, 1), counts, stdout.Decode().Trim(), error.Length > 0 ? error : broken ?? $"tar exit {exitCode}");
    }

    /// <summary>
    /// Runs the streaming side of a transfer with blocking I/O on a thread of its own: markedly faster than async
    /// pipe I/O through the thread pool on a busy machine. Cancellation kills the process, which ends the I/O.
    /// </summary>
    private static async Task RunBlockingAsync(ISandboxProcess process, Action work, CancellationToken cancellationToken)
    {
        await using var cancel = cancellationToken.Register(process.Kill);
        await Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private static void WriteEntry(TarWriter writer, HostEntry entry, TransferCounts counts)
    {
        var name = entry.Relative;
        try
        {
            switch (entry.Kind)
            {
                case HostFileKind.Directory:
                    writer.WriteEntry(new GnuTarEntry(TarEntryType.Directory, name + "/") { Mode = File.GetUnixFileMode(entry.FullPath), ModificationTime = Directory.GetLastWriteTimeUtc(entry.FullPath) });
                    counts.Directories++;
                    break;
                case HostFileKind.Symlink:
                    var target = new FileInfo(entry.FullPath).LinkTarget;
                    if (target is null)
                    {
                        return;
                    }

                    writer.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = (UnixFileMode)0x1FF });
                    counts.Links++;
                    break;
                case HostFileKind.File when entry.Length == 0 && HostTree.IsSpecial(entry.FullPath):
                    counts.Skipped++;
                    break;
                case HostFileKind.File:
                    var file = new FileStream(entry.FullPath, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0 });
                    using (var data = new FixedLengthStream(file, file.Length))
                    {
                        writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, name) { Mode = File.GetUnixFileMode(file.SafeFileHandle), ModificationTime = File.GetLastWriteTimeUtc(file.SafeFileHandle), DataStream = data });
                        counts.Bytes += data.Length;
                    }

                    counts.Files++;
                    break;
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Deleted since the walk (a sync races the editor): nothing to send.
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new SandboxException($"Cannot read the host file {entry.FullPath} ({ex.Message}): fix its permissions or leave it out.", ex);
        }
    }

    private static TransferResult Result(string hostPath, string path, string kind, TransferCounts counts, long started, string? note) =>
        new(hostPath, path, kind, counts.Files, counts.Directories, counts.Links, counts.Bytes, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Join(note, counts.Skipped > 0 ? $"{counts.Skipped} special file(s) (FIFOs, sockets, devices) were left out" : null));

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : a + "; " + b;

    private sealed record WriterOutput(int ExitCode, TransferCounts Counts, string Stdout, string Error);
}
