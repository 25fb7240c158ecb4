#!/usr/bin/env python3
"""Fault tests: a loopback server answers 429, 500, 400, connection resets
and slow responses; the client retries what is retryable, gives up cleanly
after its attempts, and reports success only for a 2xx. Every request the
server received is byte for byte the one the builder signed."""
import os
import shlex
import socket
import subprocess
import sys
import threading
import time

TOOL = os.path.join(os.environ["CC_BUILD"], "tests", "rt_send_tool")
plan = []   # one action per attempt; the last repeats
seen = [0]
wire = []   # (head, body) of every request, as received

ANSWERS = {
    "ok": (200, b"<PublishResponse><PublishResult><MessageId>1</MessageId></PublishResult></PublishResponse>"),
    "429": (429, b'{"__type":"com.amazon.coral.availability#ThrottlingException","message":"slow down"}'),
    "500": (500, b"<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code></Error></ErrorResponse>"),
    "400": (400, b"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code></Error></ErrorResponse>"),
    "400throttle": (400, b"<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>"),
}


def serve(sock):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def handle(conn):
    with conn:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        n = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0])
        while len(body) < n:
            body += conn.recv(65536)
        wire.append((head, body))
        i = seen[0]
        seen[0] += 1
        action = plan[min(i, len(plan) - 1)]
        if action == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            return
        if action == "slow":
            time.sleep(2)
            action = "ok"
        status, payload = ANSWERS[action]
        conn.sendall(b"HTTP/1.1 %d X\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                     % (status, len(payload), payload))


sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen(16)
threading.Thread(target=serve, args=(sock,), daemon=True).start()
env = dict(os.environ, AWS_ACCESS_KEY_ID="AK", AWS_SECRET_ACCESS_KEY="SK", AWS_REGION="us-east-1",
           AWS_ENDPOINT_URL=f"http://127.0.0.1:{sock.getsockname()[1]}")
env.pop("AWS_ENDPOINT_URL_SNS", None)
cases = [
    (["429", "429", "ok"], 0, "rc=ok status=200 code= attempts=3"),
    (["500"], 1, "rc=remote status=500 code=InternalError attempts=3"),
    (["429"], 1, "rc=remote status=429 code=ThrottlingException attempts=3"),
    (["400"], 1, "rc=remote status=400 code=InvalidParameter attempts=1"),
    (["400throttle", "ok"], 0, "rc=ok status=200 code= attempts=2"),
    (["reset"], 1, "rc=net status=0 code= attempts=3"),
    (["reset", "ok"], 0, "rc=ok status=200 code= attempts=2"),
    (["slow"], 1, "rc=timeout status=0 code= attempts=3"),
    (["slow", "ok"], 0, "rc=ok status=200 code= attempts=2"),
]
fails = []
for p, want_rc, want_out in cases:
    plan[:] = p
    seen[0] = 0
    cmd = shlex.split(os.environ.get("CC_WRAP", "")) + [TOOL]
    r = subprocess.run(cmd, env=env, capture_output=True, timeout=60)
    out = r.stdout.decode().strip()
    if r.returncode != want_rc or out != want_out or seen[0] != int(want_out.rsplit("=", 1)[1]):
        fails.append(f"{p}: exit {r.returncode} {out!r} (server saw {seen[0]}), want {want_rc} {want_out!r}")
# What libcurl put on the wire is the request as built and signed: the
# same request line, the same header lines (curl only moves Host first and
# adds none of its own), the same body.
built = subprocess.run([os.path.join(os.environ["CC_BUILD"], "tests", "rt_aws_request"), "20261122T120000Z",
                        "publish", "arn:aws:sns:us-east-1:1:t", '{"subject":"s"}', "-", "-", "-"],
                       env=env, capture_output=True).stdout.split(b"\n", 1)[1]
bhead, bbody = built.split(b"\r\n\r\n", 1)
for head, body in wire:
    got, want = head.split(b"\r\n"), bhead.split(b"\r\n")
    if got[0] != want[0] or sorted(got[1:]) != sorted(want[1:]) or body != bbody:
        fails.append(f"on the wire {head!r} {body!r}\n   built {bhead!r} {bbody!r}")
        break
if not wire:
    fails.append("no request reached the server")
sock.close()
for f in fails:
    print("FAIL", f)
print(f"{len(cases)} fault cases, {len(fails)} failures")
sys.exit(1 if fails else 0)
