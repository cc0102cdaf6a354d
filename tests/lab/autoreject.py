"""Make a baresip instance behave as 'busy'.

On every CALL_INCOMING event from its ctrl_tcp socket (netstring JSON) send the
'hangup' command, so baresip rejects the call with 486. Prints 'ready' once
connected (sip_lab.py waits for that line). Exits after one hour at most.

Usage: autoreject.py HOST PORT
"""

import json
import socket
import sys
import time


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    deadline = time.monotonic() + 3600
    sock = None
    for _ in range(100):
        try:
            sock = socket.create_connection((host, port), timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    if sock is None:
        print("ctrl_tcp not reachable", flush=True)
        return 1
    print("ready", flush=True)
    sock.settimeout(1.0)
    buf = b""
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            return 0
        buf += chunk
        while b":" in buf:
            size, rest = buf.split(b":", 1)
            n = int(size)
            if len(rest) < n + 1:
                break
            msg, buf = json.loads(rest[:n]), rest[n + 1 :]
            if msg.get("event") and msg.get("type") == "CALL_INCOMING":
                data = json.dumps({"command": "hangup", "params": "", "token": "busy"}).encode()
                sock.sendall(b"%d:%s," % (len(data), data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
