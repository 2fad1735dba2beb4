using System.Globalization;

namespace SandboxMcp.Ports;

/// <summary>The in-sandbox end of <see cref="TunnelMux"/>: one python3 process carrying many connections to 127.0.0.1:PORT.</summary>
internal static class MuxScript
{
    /// <summary>
    /// Speaks <see cref="MuxProtocol"/> on stdin/stdout with one selectors loop, so one stalled socket never blocks the
    /// others: every socket is non-blocking, a socket is read only while its channel has credit from the host, and a
    /// channel's bytes for the server are buffered only up to the window the host may send (a host that sends more
    /// breaks the protocol and ends the process). A connection goes to 127.0.0.1, then to ::1 when that fails (a dev
    /// server bound to "localhost" may listen on ::1 only); a failure is a RESET frame naming 127.0.0.1's error. Stdin's
    /// EOF ends the process and with it every connection. "sandbox-mcp-mux" marks the process in <c>ps</c>.
    /// </summary>
    internal const string Python = """
        # sandbox-mcp-mux: TCP connections to 127.0.0.1:PORT multiplexed over stdin/stdout (SandboxMcp Ports/MuxProtocol.cs)
        import errno, fcntl, os, selectors, socket, struct, sys
        PORT, WINDOW, CHUNK, MAXP = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        OPEN, DATA, EOF, CLOSE, RESET, CREDIT = 1, 2, 3, 4, 5, 6
        HDR, U32 = struct.Struct(">BII"), struct.Struct(">I")
        R, W = selectors.EVENT_READ, selectors.EVENT_WRITE
        sel = selectors.DefaultSelector()
        out, inb, chans = bytearray(), bytearray(), {}
        def die(msg):
            sys.stderr.write("sandbox-mcp-mux: %s\n" % msg)
            sys.stderr.flush()
            os._exit(2)
        def emit(t, c, p=b""):
            out.extend(HDR.pack(t, c, len(p)))
            out.extend(p)
        class Ch:
            def __init__(self, c):
                self.id, self.sock, self.mask, self.up, self.err = c, None, 0, False, 0
                self.addrs = [(socket.AF_INET, ("127.0.0.1", PORT)), (socket.AF_INET6, ("::1", PORT))]
                self.pend, self.credit, self.grant = bytearray(), WINDOW, 0
                self.rd_eof = self.wr_eof = self.shut = False
        def watch(ch, mask):
            if mask != ch.mask:
                if not ch.mask:
                    sel.register(ch.sock, mask, ch)
                elif not mask:
                    sel.unregister(ch.sock)
                else:
                    sel.modify(ch.sock, mask, ch)
                ch.mask = mask
        def close(ch):
            chans.pop(ch.id, None)
            if ch.sock is not None:
                watch(ch, 0)
                ch.sock.close()
                ch.sock = None
        def reset(ch, what, e):
            emit(RESET, ch.id, ("%s: %s" % (what, os.strerror(e) if e else "failed")).encode()[:1024])
            close(ch)
        def connect(ch):
            while ch.addrs:
                fam, addr = ch.addrs.pop(0)
                try:
                    s = socket.socket(fam, socket.SOCK_STREAM)
                except OSError as e:
                    ch.err = ch.err or e.errno
                    continue
                s.setblocking(False)
                e = s.connect_ex(addr)
                if e in (0, errno.EINPROGRESS):
                    ch.sock = s
                    return opened(ch) if e == 0 else watch(ch, W)
                s.close()
                ch.err = ch.err or e
            reset(ch, "connect to 127.0.0.1:%d failed" % PORT, ch.err or errno.ECONNREFUSED)
        def opened(ch):
            ch.up = True
            ch.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pump(ch)
        def pump(ch):
            if ch.pend:
                try:
                    n = ch.sock.send(ch.pend)
                except BlockingIOError:
                    n = 0
                except OSError as e:
                    return reset(ch, "connection to 127.0.0.1:%d" % PORT, e.errno)
                del ch.pend[:n]
                ch.grant += n
                if ch.grant >= CHUNK:
                    emit(CREDIT, ch.id, U32.pack(ch.grant))
                    ch.grant = 0
            if ch.wr_eof and not ch.pend and not ch.shut:
                ch.shut = True
                try:
                    ch.sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            if ch.shut and ch.rd_eof:
                return close(ch)
            watch(ch, (R if ch.credit > 0 and not ch.rd_eof else 0) | (W if ch.pend else 0))
        def readable(ch):
            try:
                b = ch.sock.recv(min(ch.credit, CHUNK))
            except BlockingIOError:
                return
            except OSError as e:
                return reset(ch, "connection to 127.0.0.1:%d" % PORT, e.errno)
            if b:
                ch.credit -= len(b)
                emit(DATA, ch.id, b)
            else:
                ch.rd_eof = True
                emit(EOF, ch.id)
            pump(ch)
        def event(ch, ev):
            if not ch.up:
                e = ch.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if not e:
                    return opened(ch)
                watch(ch, 0)
                ch.sock.close()
                ch.sock, ch.err = None, ch.err or e
                return connect(ch)
            if ev & W:
                pump(ch)
            if ev & R and chans.get(ch.id) is ch:
                readable(ch)
        def frame(t, c, p):
            ch = chans.get(c)
            if t == OPEN:
                if ch is not None:
                    die("channel %d opened twice" % c)
                ch = chans[c] = Ch(c)
                connect(ch)
            elif t not in (DATA, EOF, CLOSE, CREDIT):
                die("unknown frame type %d" % t)
            elif ch is None:
                pass
            elif t == DATA:
                if len(ch.pend) + len(p) > WINDOW:
                    die("channel %d sent past its window" % c)
                ch.pend += p
                if ch.up:
                    pump(ch)
            elif t == EOF:
                ch.wr_eof = True
                if ch.up:
                    pump(ch)
            elif t == CLOSE:
                close(ch)
            else:
                ch.credit += U32.unpack(p)[0]
                if ch.up:
                    pump(ch)
        def stdin():
            b = os.read(0, 262144)
            if not b:
                os._exit(0)
            inb.extend(b)
            off, n = 0, len(inb)
            while n - off >= 9:
                t, c, ln = HDR.unpack_from(inb, off)
                if ln > MAXP:
                    die("frame of %d bytes" % ln)
                if n - off - 9 < ln:
                    break
                frame(t, c, inb[off + 9:off + 9 + ln])
                off += 9 + ln
            del inb[:off]
        for fd in (0, 1):
            try:
                fcntl.fcntl(fd, 1031, 1 << 20)
            except OSError:
                pass
        os.set_blocking(1, False)
        sel.register(0, R, None)
        writing = False
        while True:
            for key, ev in sel.select():
                ch = key.data
                if ch is None:
                    stdin()
                elif ch != "out" and chans.get(ch.id) is ch:
                    event(ch, ev)
            while out:
                try:
                    n = os.write(1, out)
                except BlockingIOError:
                    break
                except OSError:
                    os._exit(0)
                del out[:n]
            if bool(out) != writing:
                writing = bool(out)
                if writing:
                    sel.register(1, W, "out")
                else:
                    sel.unregister(1)
        """;

    /// <summary>The argv that runs the mux for <c>127.0.0.1:<paramref name="port"/></c>; the protocol's sizes go with it, so both ends agree.</summary>
    public static IReadOnlyList<string> Argv(int port) =>
        ["python3", "-c", Python, .. new[] { port, MuxProtocol.Window, MuxProtocol.Chunk, MuxProtocol.MaxPayload }.Select(n => n.ToString(CultureInfo.InvariantCulture))];
}
