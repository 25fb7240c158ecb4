#!/usr/bin/env python3
"""A local Lambda Runtime API (loopback HTTP, the real protocol) driving the
real bootstrap binary: SQS batches from a FIFO and a standard queue with a
malformed record, an EventBridge scheduled event, a Scheduler input, and an
event that is not JSON. Checks each response or error the bootstrap posts,
the headers it must read, and that it ends cleanly when next answers 500."""
import http.server
import json
import os
import shlex
import subprocess
import sys
import threading

TOOL = os.path.join(os.environ["CC_BUILD"], "tests", "rt_batch_handler")


def record(i, body, arn):
    return {"messageId": f"m{i}", "receiptHandle": f"h{i}", "body": body,
            "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
            "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": arn,
            "awsRegion": "us-east-1"}


good = json.dumps({"subject": "hello", "vars": {"n": 1}})
env = json.dumps({"Type": "Notification", "MessageId": "x", "TopicArn": "t", "Message": good})
fifo = "arn:aws:sqs:us-east-1:123456789012:q.fifo"
std = "arn:aws:sqs:us-east-1:123456789012:q"
bodies = [good, env, "{not json", good, env]


def batch(arn):
    return json.dumps({"Records": [record(i, b, arn) for i, b in enumerate(bodies)]})


# (request id, event bytes, expected path suffix, expected JSON body)
events = [
    ("r-fifo", batch(fifo), "response",
     {"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"},
                            {"itemIdentifier": "m4"}]}),
    ("r-std", batch(std), "response", {"batchItemFailures": [{"itemIdentifier": "m2"}]}),
    ("r-sched", json.dumps({"version": "0", "id": "e", "detail-type": "Scheduled Event",
                            "source": "aws.events", "time": "2026-11-22T02:00:00Z",
                            "detail": {}}), "response", {"kind": "scheduled"}),
    ("r-input", json.dumps({"report": "daily"}), "response", {"kind": "scheduler"}),
    ("r-bad", "garbage", "error", None),
]
DEADLINES = {}
posted = {}
lock = threading.Lock()
served = [0]


class Api(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        assert self.path == "/2018-06-01/runtime/invocation/next", self.path
        with lock:
            i = served[0]
            served[0] += 1
        if i >= len(events):
            body = b'{"errorMessage":"done"}'
            self.send_response(500)
        else:
            rid, ev, _, _ = events[i]
            body = ev.encode()
            self.send_response(200)
            self.send_header("Lambda-Runtime-Aws-Request-Id", rid)
            self.send_header("Lambda-Runtime-Deadline-Ms", DEADLINES.get(rid, "4102444800000"))
            self.send_header("Lambda-Runtime-Invoked-Function-Arn",
                             "arn:aws:lambda:us-east-1:123456789012:function:f")
            self.send_header("Lambda-Runtime-Trace-Id", "Root=1-abc;Parent=def;Sampled=1")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        with lock:
            posted[self.path] = (body, self.headers.get("Lambda-Runtime-Function-Error-Type"))
        self.send_response(202)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
threading.Thread(target=srv.serve_forever, daemon=True).start()
environ = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{srv.server_address[1]}")
cmd = shlex.split(os.environ.get("CC_WRAP", "")) + [TOOL]
proc = subprocess.run(cmd, env=environ, capture_output=True, timeout=120)
srv.shutdown()
fails = []
if proc.returncode != 0:
    fails.append(f"bootstrap exited {proc.returncode}: {proc.stderr.decode()}")
for rid, _, kind, want in events:
    path = f"/2018-06-01/runtime/invocation/{rid}/{kind}"
    if path not in posted:
        fails.append(f"{rid}: nothing posted to {path}; posted: {sorted(posted)}")
        continue
    body, etype = posted[path]
    got = json.loads(body)
    if kind == "response" and got != want:
        fails.append(f"{rid}: response {got}, want {want}")
    want_type = "Runtime.DeadlineExceeded" if rid in DEADLINES else "Runtime.InvalidEvent"
    if kind == "error" and (not got.get("errorMessage") or got.get("errorType") != want_type
                            or etype != want_type):
        fails.append(f"{rid}: error body {got}, header {etype}")
if len(posted) != len(events):
    fails.append(f"{len(posted)} posts for {len(events)} events")
logs = [json.loads(l) for l in proc.stderr.decode().splitlines() if l.startswith("{")]
for rid in ("r-bad",):
    if not any(l.get("level") == "ERROR" and l.get("request_id") == rid for l in logs):
        fails.append(f"no ERROR log line for {rid}: {proc.stderr.decode()}")
for f in fails:
    print("FAIL", f)
print(f"{len(events)} invocations, {len(fails)} failures")
sys.exit(1 if fails else 0)
