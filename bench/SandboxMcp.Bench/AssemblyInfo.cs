// Like the server, the bench needs POSIX processes.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
