#!/usr/bin/env python3
"""Runs a task bootstrap under a local Lambda Runtime API (loopback HTTP,
the real protocol), as Lambda would: each event is one invocation; the
bootstrap's response or error is printed as JSON, one line each; its logs
pass through on stderr. After the last event the Runtime API answers 500,
which ends the bootstrap.

  examples/task-c/run_local.py build/bin/cloudcron-example-task \\
      '{"paths": ["/tmp"], "threshold": 0, "host": "db-1"}'

Options: --timeout SECONDS (the deadline each invocation gets, default 60).
The bootstrap inherits the environment (CLOUDCRON_TOPIC_<KEY>, AWS_*).
Importable: invoke(cmd, events, env) returns (posts, process)."""
import http.server
import json
import subprocess
import sys
import threading
import time

PREFIX = "/2018-06-01/runtime"


def invoke(cmd, events, env, timeout_s=60, deadlines=None, arn="arn:aws:lambda:us-east-1:123456789012:function:task"):
    """Serves events (JSON texts) to the bootstrap cmd; returns a list of
    (request_id, "response"|"error", parsed body, error type header) in
    order, and the finished subprocess.CompletedProcess. deadlines, when
    given, holds for each event the milliseconds from the moment it is
    handed out to its deadline (None: timeout_s)."""
    posts, lock, served = [], threading.Lock(), [0]

    class Api(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def do_GET(self):
            if self.path != PREFIX + "/invocation/next":
                self.send_error(404)
                return
            with lock:
                i = served[0]
                served[0] += 1
            if i >= len(events):
                body = b'{"errorMessage":"no more events"}'
                self.send_response(500)
            else:
                body = events[i].encode()
                rid = f"req-{i + 1}"
                left = deadlines[i] if deadlines and deadlines[i] is not None else timeout_s * 1000
                deadline = int(time.time() * 1000) + left
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", rid)
                self.send_header("Lambda-Runtime-Deadline-Ms", str(deadline))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn", arn)
                self.send_header("Lambda-Runtime-Trace-Id", f"Root=1-00000000-{i:024d};Sampled=0")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            parts = self.path[len(PREFIX):].split("/")  # ['', 'invocation', id, kind]
            with lock:
                posts.append((parts[2], parts[3], json.loads(body or b"null"),
                              self.headers.get("Lambda-Runtime-Function-Error-Type")))
            self.send_response(202)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    env = dict(env, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{srv.server_address[1]}")
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, timeout=120)
    finally:
        srv.shutdown()
        srv.server_close()
    return posts, proc


def main(argv):
    import os
    timeout_s = 60
    if "--timeout" in argv:
        i = argv.index("--timeout")
        timeout_s = int(argv[i + 1])
        del argv[i:i + 2]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    posts, proc = invoke([argv[0]], argv[1:], dict(os.environ), timeout_s)
    sys.stderr.write(proc.stderr.decode())
    for rid, kind, body, etype in posts:
        print(json.dumps({"request_id": rid, kind: body}))
    return 0 if posts and all(k == "response" for _, k, _, _ in posts) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
