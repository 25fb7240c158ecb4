#!/usr/bin/env python3
"""A local Lambda Runtime API (loopback HTTP, the real protocol) driving the
real bootstrap binary: SQS batches from a FIFO and a standard queue with a
malformed record, an EventBridge scheduled event, a Scheduler input, and an
event that is not JSON. Checks each response or error the bootstrap posts
and that it ends cleanly when next answers 500. The Runtime API is
tests/handlers/lambda_api.py's."""
import json
import os
import sys

# the local Runtime API the handler tests use
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "handlers"))
import lambda_api as la  # noqa: E402

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
api, proc = la.run([TOOL], dict(os.environ), [la.Event(rid, ev) for rid, ev, _, _ in events])
fails = []
if proc.returncode != 0:
    fails.append(f"bootstrap exited {proc.returncode}: {proc.stderr.decode()}")
for rid, _, kind, want in events:
    if f"{rid}/{kind}" not in api.posts:
        fails.append(f"{rid}: nothing posted to .../{rid}/{kind}; posted: {sorted(api.posts)}")
        continue
    got, etype = api.posts[f"{rid}/{kind}"]
    if kind == "response" and got != want:
        fails.append(f"{rid}: response {got}, want {want}")
    if kind == "error" and (not got.get("errorMessage") or got.get("errorType") != "Runtime.InvalidEvent"
                            or etype != "Runtime.InvalidEvent"):
        fails.append(f"{rid}: error body {got}, header {etype}")
if len(api.posts) != len(events):
    fails.append(f"{len(api.posts)} posts for {len(events)} events")
logs = [json.loads(l) for l in proc.stderr.decode().splitlines() if l.startswith("{")]
for rid in ("r-bad",):
    if not any(l.get("level") == "ERROR" and l.get("request_id") == rid for l in logs):
        fails.append(f"no ERROR log line for {rid}: {proc.stderr.decode()}")
for f in fails:
    print("FAIL", f)
print(f"{len(events)} invocations, {len(fails)} failures")
sys.exit(1 if fails else 0)
