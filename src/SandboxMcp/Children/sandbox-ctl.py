#!/usr/bin/env python3
"""sandbox-ctl: ask the sandbox-mcp host for child sandboxes, from inside a sandbox.

  sandbox-ctl ping
  sandbox-ctl spawn [--image I] [--cpus N] [--memory M] [--name N]
  sandbox-ctl list
  sandbox-ctl exec CHILD [--timeout S] [--workdir D] -- CMD...
  sandbox-ctl destroy CHILD
  sandbox-ctl run [--image I] [--cpus N] [--memory M] [--timeout S] -- CMD...

exec and run print the child's stdout and stderr and exit with its exit code. The host decides what this
sandbox may spawn (its spawn policy); a refusal names the limit it hit.
"""
import json
import os
import socket
import sys

SOCKET = os.environ.get("SANDBOX_CTL_SOCKET") or "/run/sandbox-ctl.sock"
USAGE = __doc__.split("\n\n")[1]


def fail(message, code=1):
    sys.stderr.write("sandbox-ctl: " + message + "\n")
    sys.exit(code)


def call(op, **fields):
    request = {"id": str(os.getpid()), "op": op}
    request.update({k: v for k, v in fields.items() if v is not None})
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(SOCKET)
            conn.sendall((json.dumps(request) + "\n").encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError as error:
        fail("cannot reach the host at %s (%s): this sandbox has no spawn policy, or the server is not running" % (SOCKET, error))
    if not data:
        fail("the host closed the connection without an answer")
    response = json.loads(data)
    if "error" in response:
        fail("%s: %s" % (response["error"].get("code"), response["error"].get("message")))
    return response["result"]


def options(args, names):
    values, rest = {}, []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i + 1:])
            break
        if arg.startswith("--") and arg[2:] in names:
            if i + 1 >= len(args):
                fail("%s needs a value\n%s" % (arg, USAGE), 2)
            values[arg[2:]] = args[i + 1]
            i += 2
            continue
        if arg.startswith("--"):
            fail("unknown option %s\n%s" % (arg, USAGE), 2)
        rest.append(arg)
        i += 1
    return values, rest


def number(text, what):
    try:
        return float(text) if text is not None else None
    except ValueError:
        fail("%s must be a number, not %r" % (what, text), 2)


def print_result(result):
    sys.stdout.write(result.get("stdout", ""))
    sys.stderr.write(result.get("stderr", ""))
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(result.get("exit_code", 1))


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if argv else 2
    op, args = argv[0], argv[1:]
    if op == "ping":
        print(json.dumps(call("ping")))
    elif op == "list":
        for child in call("list")["children"]:
            print("%s\t%s\tcpus %s\tmemory %s\texpires %s" % (child["name"], child["image"], child["cpus"], child["memory"], child["expires_at"]))
    elif op == "spawn":
        values, rest = options(args, {"image", "cpus", "memory", "name"})
        if rest:
            fail("spawn takes no arguments besides options\n" + USAGE, 2)
        print(call("spawn", image=values.get("image"), cpus=number(values.get("cpus"), "--cpus"), memory=values.get("memory"), name=values.get("name"))["name"])
    elif op == "destroy":
        if len(args) != 1:
            fail("destroy takes one child name\n" + USAGE, 2)
        call("destroy", name=args[0])
    elif op == "exec":
        values, rest = options(args, {"timeout", "workdir"})
        if len(rest) < 2:
            fail("exec needs a child and a command: exec CHILD -- CMD...\n" + USAGE, 2)
        print_result(call("exec", name=rest[0], argv=rest[1:], timeout=number(values.get("timeout"), "--timeout"), workdir=values.get("workdir")))
    elif op == "run":
        values, rest = options(args, {"image", "cpus", "memory", "timeout"})
        if not rest:
            fail("run needs a command: run -- CMD...\n" + USAGE, 2)
        print_result(call("run", argv=rest, image=values.get("image"), cpus=number(values.get("cpus"), "--cpus"), memory=values.get("memory"), timeout=number(values.get("timeout"), "--timeout")))
    else:
        fail("unknown command %r\n%s" % (op, USAGE), 2)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
