using System.Net.Sockets;

namespace SandboxMcp.Common;

/// <summary>Listening unix sockets of the server: only the user may connect (mode 0600), a stale file is replaced.</summary>
public static class UnixSocketListener
{
    /// <summary>Binds and listens at <paramref name="path"/>; throws <see cref="SocketException"/> when it cannot.</summary>
    public static Socket Listen(string path)
    {
        File.Delete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(128);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
