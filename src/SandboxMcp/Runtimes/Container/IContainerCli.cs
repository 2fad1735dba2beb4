namespace SandboxMcp.Runtimes.Container;

/// <summary>
/// One container engine's command-line dialect: it turns intents into argument vectors and parses the engine's
/// output. It runs nothing; <see cref="ContainerRuntime"/> holds the logic, written once for every engine.
/// </summary>
public interface IContainerCli
{
    /// <summary>Runtime name: <c>podman</c>, <c>docker</c> or <c>apple</c>.</summary>
    string Engine { get; }

    /// <summary>The program to run: <c>podman</c>, <c>docker</c>, <c>container</c>.</summary>
    string Program { get; }

    /// <summary>True when the engine can run on this operating system.</summary>
    bool IsSupportedHere { get; }

    /// <summary>What to install when the program is missing.</summary>
    string InstallHint { get; }

    /// <summary>Longest container name the engine accepts.</summary>
    int MaxNameLength { get; }

    /// <summary>True when the engine turns a running container into an image (<c>commit</c>).</summary>
    bool SupportsCommit { get; }

    /// <summary>True when the engine has user-defined networks with name resolution.</summary>
    bool SupportsNetworks { get; }

    /// <summary>True when a container can run with no network but loopback.</summary>
    bool SupportsNoNetwork { get; }

    /// <summary>Where the sandbox-ctl socket appears inside a container run with <see cref="ContainerRunSpec.CtlDirectory"/>.</summary>
    string CtlSocketPath { get; }

    /// <summary>True when the engine limits the number of processes in a container.</summary>
    bool SupportsPidsLimit { get; }

    /// <summary>True when <c>run</c> creates missing named volumes itself (podman, docker), so no separate create is needed.</summary>
    bool AutoCreatesVolumes { get; }

    /// <summary>Extra environment for every engine command (e.g. our <c>CONTAINERS_CONF</c>).</summary>
    IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Arguments that succeed only when the engine can run containers now.</summary>
    IReadOnlyList<string> Probe();

    /// <summary>The engine version from a successful probe, or null when the output says it is not usable.</summary>
    string? ParseProbe(CommandOutput output);

    /// <summary>Arguments that exit 0 when the image exists locally.</summary>
    IReadOnlyList<string> ImageExists(string image);

    /// <summary>Arguments that create and start a detached container.</summary>
    IReadOnlyList<string> Run(ContainerRunSpec spec);

    /// <summary>
    /// Arguments that run <paramref name="argv"/> in a running container with stdin open. Variables in
    /// <paramref name="passedEnv"/> take their value from the engine client's environment (so values stay off
    /// the command line); <paramref name="inlineEnv"/> are written as <c>KEY=VALUE</c>.
    /// </summary>
    IReadOnlyList<string> Exec(string container, string? workDir, IReadOnlyList<string> passedEnv, IReadOnlyDictionary<string, string> inlineEnv, IReadOnlyList<string> argv);

    /// <summary>Arguments that print one container's details.</summary>
    IReadOnlyList<string> Inspect(string container);

    /// <summary>The container from an inspect, or null when the output says it does not exist.</summary>
    ContainerInfo? ParseInspect(CommandOutput output);

    /// <summary>Arguments that start a stopped container.</summary>
    IReadOnlyList<string> Start(string container);

    /// <summary>Arguments that unpause a paused container; null when the engine cannot pause.</summary>
    IReadOnlyList<string>? Unpause(string container);

    /// <summary>Arguments that remove a container at once, running or not.</summary>
    IReadOnlyList<string> Remove(string container);

    /// <summary>Arguments that list all containers (any state) carrying <paramref name="label"/>=<paramref name="value"/>, when the engine can filter.</summary>
    IReadOnlyList<string> List(string label, string value);

    /// <summary>Containers from a list; filtered on the label here when the engine could not.</summary>
    IReadOnlyList<ContainerInfo> ParseList(CommandOutput output, string label, string value);

    /// <summary>Arguments that create a named volume.</summary>
    IReadOnlyList<string> CreateVolume(string name, IReadOnlyDictionary<string, string> labels);

    /// <summary>Arguments that remove a named volume.</summary>
    IReadOnlyList<string> RemoveVolume(string name);

    /// <summary>Arguments that exit 0 when the network exists.</summary>
    IReadOnlyList<string> NetworkExists(string name);

    /// <summary>Arguments that create a network with name resolution.</summary>
    IReadOnlyList<string> CreateNetwork(string name, IReadOnlyDictionary<string, string> labels);

    /// <summary>Arguments that print one resource sample of a container.</summary>
    IReadOnlyList<string> Stats(string container);

    /// <summary>The sample from a stats command.</summary>
    ContainerStats? ParseStats(CommandOutput output);

    /// <summary>Arguments that save a running container's file system as an image.</summary>
    IReadOnlyList<string> Commit(string container, string image, IReadOnlyDictionary<string, string> labels);

    /// <summary>Arguments that build an image from a Containerfile and a context directory.</summary>
    IReadOnlyList<string> Build(string tag, string containerfile, string contextDirectory, IReadOnlyDictionary<string, string> labels);

    /// <summary>Arguments that list local images.</summary>
    IReadOnlyList<string> ListImages();

    /// <summary>Images from a list.</summary>
    IReadOnlyList<ImageInfo> ParseImages(CommandOutput output);

    /// <summary>Arguments that delete an image.</summary>
    IReadOnlyList<string> RemoveImage(string image);

    /// <summary>True when a failure may pass if retried (a busy storage lock, a daemon restarting).</summary>
    bool IsTransient(CommandOutput output);

    /// <summary>True when a failure only says the object (container, volume, image) does not exist.</summary>
    bool IsNotFound(CommandOutput output);

    /// <summary>True when an image could not be removed because a container uses it.</summary>
    bool IsInUse(CommandOutput output);
}
