"""The reference side of bench/topology's console figure: `virsh console` on a pty, driven the
way a person types. Same protocol as echo-probe.ts: press Enter until a shell prompt shows, wait
for quiet, then per sample type one character, time until its echo, erase it (untimed).

Usage: virsh-console-echo.py URI DOMAIN SAMPLES  -> one JSON list of milliseconds on stdout.
"""
import json
import os
import pty
import re
import select
import signal
import sys
import time
import tty

KEYS = b"abcdefghijklmnopqrstuvwxyz"
DEL = b"\x7f"


def main() -> None:
    uri, domain, samples = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pid, fd = pty.fork()
    if pid == 0:
        # Raw from the start: the pty itself must never echo what is typed.
        tty.setraw(0)
        os.execvp("virsh", ["virsh", "-c", uri, "console", "--force", domain])
    buf = bytearray()

    def read_until(pred, timeout):
        deadline = time.monotonic() + timeout
        while not pred():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"virsh console: no answer; tail {bytes(buf[-300:])!r}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    raise EOFError(f"virsh console ended; tail {bytes(buf[-300:])!r}")
                if not chunk:
                    raise EOFError(f"virsh console ended; tail {bytes(buf[-300:])!r}")
                buf.extend(chunk)

    def quiet(secs):
        while True:
            ready, _, _ = select.select([fd], [], [], secs)
            if not ready:
                return
            buf.extend(os.read(fd, 65536))

    try:
        read_until(lambda: b"Escape character" in buf, 30)
        deadline = time.monotonic() + 120
        while True:
            mark = len(buf)
            os.write(fd, b"\r")
            try:
                read_until(lambda: re.search(rb"# (\x1b\[6n)?$", bytes(buf[mark:])) is not None, 1.0)
                break
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise
        quiet(0.3)
        out = []
        for i in range(samples):
            key = KEYS[i % len(KEYS) : i % len(KEYS) + 1]
            mark = len(buf)
            t0 = time.perf_counter()
            os.write(fd, key)
            read_until(lambda: buf.find(key, mark) >= 0, 10)
            out.append((time.perf_counter() - t0) * 1000)
            mark = len(buf)
            os.write(fd, DEL)
            read_until(lambda: buf.find(b"\b", mark) >= 0, 10)
            quiet(0.005)
        print(json.dumps(out))
    finally:
        # ^] leaves virsh console; kill it if it does not go.
        try:
            os.write(fd, b"\x1d")
        except OSError:
            pass
        for _ in range(50):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
