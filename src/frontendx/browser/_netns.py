"""The agent's Chromium in a network namespace of its own.

Chromium's DevTools port has no authentication: any process on the machine that finds it
(a port scan of loopback, or `/proc/net/tcp`) can drive the browser past the CDP relay, for
example to make a context with its own proxy that goes around the network guard. So the
agent browser runs in its own (unprivileged: user + network) namespace, whose only network
is its own loopback. Two forwarders bridge it to the harness, over Unix sockets, which a
network namespace does not separate:

- the browser's proxy address (``127.0.0.1:PROXY_PORT`` inside) leads to the network guard's
  Unix socket, so the browser reaches nothing but the guard, whatever it is told;
- a Unix socket outside leads to the DevTools port inside, for the harness's CDP relay only
  (the socket lives in a folder only the harness's user can enter).

Run as ``python -m frontendx.browser._netns GUARD_SOCKET CDP_SOCKET CHROMIUM ARGS...`` inside
``unshare --user --map-root-user --net``: brings loopback up, starts the forwarders in a child
that dies with the browser, and becomes Chromium (same pid, same DevTools pipe to Playwright).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import fcntl
import os
import shlex
import signal
import socket
import struct
import subprocess
import sys
from pathlib import Path

PROXY_PORT = 3128
"""The network guard's address inside the namespace."""
CDP_PORT = 9222
"""Chromium's DevTools port inside the namespace."""

UNSHARE = ("unshare", "--user", "--map-root-user", "--net")

_problem: str | None = None
_probed = False


def isolation_problem() -> str | None:
    """None when this machine can run a browser in its own network namespace; else why not."""
    global _problem, _probed
    if not _probed:
        try:
            done = subprocess.run(
                [*UNSHARE, "--", "true"], capture_output=True, text=True, timeout=10
            )
            _problem = (
                None
                if done.returncode == 0
                else f"`{' '.join(UNSHARE)}` failed: {done.stderr.strip()[:200]}"
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            _problem = f"`unshare` could not run: {exc}"
        _probed = True
    return _problem


def wrapper(folder: Path, chromium: str, guard_socket: Path, cdp_socket: Path) -> Path:
    """An executable that Playwright launches as "Chromium": it runs the real one in its own
    network namespace behind the forwarders."""
    script = folder / "chromium-netns"
    command = [
        *UNSHARE,
        "--",
        sys.executable,
        "-m",
        "frontendx.browser._netns",
        str(guard_socket),
        str(cdp_socket),
        chromium,
    ]
    script.write_text(f'#!/bin/sh\nexec {shlex.join(command)} "$@"\n')
    script.chmod(0o700)
    return script


def _loopback_up() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        request = struct.pack("16sH14s", b"lo", 0, b"")
        flags = struct.unpack("16sH14s", fcntl.ioctl(sock, 0x8913, request))[1]  # SIOCGIFFLAGS
        up = struct.pack("16sH14s", b"lo", flags | 0x1, b"")  # IFF_UP
        fcntl.ioctl(sock, 0x8914, up)  # SIOCSIFFLAGS
    finally:
        sock.close()


async def _bridge(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up: tuple[asyncio.StreamReader, asyncio.StreamWriter],
) -> None:
    up_reader, up_writer = up

    async def one_way(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while chunk := await src.read(65536):
                dst.write(chunk)
                await dst.drain()
        with contextlib.suppress(OSError):
            dst.write_eof()

    try:
        await asyncio.gather(one_way(reader, up_writer), one_way(up_reader, writer))
    finally:
        writer.close()
        up_writer.close()


async def _forward(proxy: socket.socket, cdp: socket.socket, guard_socket: str) -> None:
    async def to_guard(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            up = await asyncio.open_unix_connection(guard_socket)
        except OSError:
            w.close()
            return
        await _bridge(r, w, up)

    async def to_cdp(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            up = await asyncio.open_connection("127.0.0.1", CDP_PORT)
        except OSError:
            w.close()
            return
        await _bridge(r, w, up)

    servers = [
        await asyncio.start_server(to_guard, sock=proxy),
        await asyncio.start_unix_server(to_cdp, sock=cdp),
    ]
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main(argv: list[str]) -> None:
    guard_socket, cdp_socket, chromium, *args = argv
    _loopback_up()
    proxy = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    proxy.bind(("127.0.0.1", PROXY_PORT))
    proxy.listen(128)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(cdp_socket)
    cdp = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cdp.bind(cdp_socket)
    cdp.listen(16)
    parent = os.getpid()
    if os.fork() == 0:
        # the forwarder: dies with the browser (its parent, once exec'd), and holds none of
        # the browser's descriptors (Playwright must see the DevTools pipe close when it dies)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:
            os._exit(0)
        keep = {proxy.fileno(), cdp.fileno()}
        for fd in range(3, 1024):
            if fd not in keep:
                with contextlib.suppress(OSError):
                    os.close(fd)
        with contextlib.suppress(BaseException):
            asyncio.run(_forward(proxy, cdp, guard_socket))
        os._exit(0)
    proxy.close()
    cdp.close()
    os.execv(chromium, [chromium, *args])


if __name__ == "__main__":
    main(sys.argv[1:])
