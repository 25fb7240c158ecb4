#!/usr/bin/env python3
"""The example task (examples/task-c) end to end on loopback: the real
bootstrap under a local Runtime API (examples/task-c/run_local.py) publishes
through the SDK to an SNS FIFO topic on moto_server, which delivers to an
SQS FIFO queue. Checks the responses, the messages (body per the schema,
group = task name, de-duplication id from the run), that a retried run is
de-duplicated, an unknown topic key failing with the known keys named, a
deadline too close to start a check, one already past (the task does not
start), and the JSON log lines."""
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.environ["CC_SRC"], "examples", "task-c"))
from moto_util import Moto  # noqa: E402
from run_local import invoke  # noqa: E402

TASK = shlex.split(os.environ.get("CC_WRAP", "")) + [os.path.join(os.environ["CC_BIN"], "cloudcron-example-task")]
fails = []


def expect(name, cond, detail):
    if not cond:
        fails.append(f"{name}: {detail}")


def logs(proc):
    out = []
    for line in proc.stderr.decode().splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            if not line.startswith("=="):  # valgrind's own lines
                fails.append(f"a log line that is not JSON: {line!r}")
    return out


with tempfile.TemporaryDirectory() as tmp:
    moto = Moto(os.path.join(tmp, "moto.log"))
    try:
        sns, sqs = moto.client("sns"), moto.client("sqs")
        topic = sns.create_topic(Name="alerts.fifo", Attributes={
            "FifoTopic": "true", "ContentBasedDeduplication": "false"})["TopicArn"]
        q = sqs.create_queue(QueueName="print.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn,
                      Attributes={"RawMessageDelivery": "true"})
        env = moto.env(CLOUDCRON_TOPIC_ALERTS=topic, CLOUDCRON_TOPIC_REPORTS="arn:aws:sns:us-east-1:123456789012:r",
                       AWS_LAMBDA_FUNCTION_NAME="nightly-disk")
        run = json.dumps({"paths": ["/tmp"], "threshold": 0, "host": "db-1",
                          "scheduled_time": "2026-11-22T02:00:00Z"})
        quiet = json.dumps({"paths": ["/tmp"], "threshold": 101, "host": "db-1"})
        # the run, a quiet run, the same run again (a retry), a missing path
        events = [run, quiet, run, json.dumps({"paths": ["/no/such/dir"], "threshold": 0})]
        posts, proc = invoke(TASK, events, env)
        expect("exit", proc.returncode == 0, f"{proc.returncode}: {proc.stderr.decode()[-2000:]}")
        want = [("req-1", "response", {"checked": 1, "alerts": 1, "failed": 0}, None),
                ("req-2", "response", {"checked": 1, "alerts": 0, "failed": 0}, None),
                ("req-3", "response", {"checked": 1, "alerts": 1, "failed": 0}, None),
                ("req-4", "error", {"errorMessage": "1 of 1 paths could not be checked",
                                    "errorType": "cloudcron.TaskError"}, "cloudcron.TaskError")]
        expect("posts", posts == want, f"{posts}\n   want {want}")
        msgs = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                   AttributeNames=["All"]).get("Messages", [])
        expect("one message (the retry de-duplicated)", len(msgs) == 1, msgs)
        if msgs:
            body = json.loads(msgs[0]["Body"])
            vars_ = body.get("vars", {})
            expect("subject", body.get("subject") == "Disk usage above 0% on db-1:/tmp", body)
            expect("dedup in body", body.get("dedup_id") == "disk--tmp-2026-11-22T02:00:00Z", body)
            expect("vars", vars_.get("host") == "db-1" and vars_.get("path") == "/tmp"
                   and 0 <= vars_.get("pct", -1) <= 100 and vars_.get("threshold") == 0, vars_)
            expect("keys", set(body) == {"subject", "vars", "dedup_id"}, body)
            a = msgs[0]["Attributes"]
            expect("group = task name", a.get("MessageGroupId") == "nightly-disk", a)
            expect("dedup id", a.get("MessageDeduplicationId") == "disk--tmp-2026-11-22T02:00:00Z", a)
        for m in msgs:  # an in-flight message would hide its group's next ones
            sqs.delete_message(QueueUrl=q, ReceiptHandle=m["ReceiptHandle"])
        lines = logs(proc)
        pub = [l for l in lines if l.get("message") == 'published to "alerts"']
        expect("publish log lines", len(pub) == 2 and all(l.get("level") == "INFO" and l.get("request_id") in ("req-1", "req-3")
                                                        and l.get("topic_key") == "alerts" and l.get("message_id")
                                                        for l in pub), pub)
        expect("check log line", any(l.get("request_id") == "req-2" and l.get("path") == "/tmp"
                                     and l.get("threshold") == 101 and "timestamp" in l for l in lines), lines)
        expect("error log lines", any(l.get("level") == "ERROR" and l.get("request_id") == "req-4"
                                      and l.get("path") == "/no/such/dir" for l in lines), lines)
        expect("failed invocation log line", any(
            l.get("level") == "ERROR" and l.get("request_id") == "req-4" and l.get("error_type") == "cloudcron.TaskError"
            and l.get("message") == "1 of 1 paths could not be checked" for l in lines), lines)

        # an unknown key, and a deadline too close to start (the task stops)
        env2 = dict(env)
        del env2["CLOUDCRON_TOPIC_ALERTS"]
        posts, proc = invoke(TASK, [run], env2)
        expect("unknown key", len(posts) == 1 and posts[0][1] == "error" and posts[0][2] ==
               {"errorMessage": 'publish to "alerts": unknown topic key "alerts" (CLOUDCRON_TOPIC_ALERTS is not set); '
                                'known keys: reports', "errorType": "cloudcron.UnknownTopic"}, posts)
        # the same in a local run: the ERROR line has the error_type too
        p = subprocess.run(TASK + ["--event", "-"], input=run.encode(), env=env2, capture_output=True)
        last = (logs(p) or [{}])[-1]
        expect("--event: error_type", p.returncode == 1 and last.get("level") == "ERROR"
               and last.get("request_id") == "local" and last.get("error_type") == "cloudcron.UnknownTopic"
               and last.get("message", "").startswith('publish to "alerts": unknown topic key'), (p.returncode, last))
        p = subprocess.run(TASK + ["--event", "-"], input=json.dumps({"paths": ["/no/such/dir"]}).encode(), env=env,
                           capture_output=True)
        last = (logs(p) or [{}])[-1]
        expect("--event: the task's own failure", p.returncode == 1 and last.get("error_type") == "cloudcron.TaskError"
               and last.get("message") == "1 of 1 paths could not be checked", last)
        p = subprocess.run(TASK + ["--event", "/missing.json"], env=env, capture_output=True)
        expect("--event: a missing file", p.returncode == 1 and p.stderr.decode() ==
               f"{TASK[-1]}: --event /missing.json: No such file or directory\n", p.stderr)
        with tempfile.NamedTemporaryFile("w", suffix=".json") as bad:
            bad.write('{"paths": [\n  "/tmp",\n}')
            bad.flush()
            p = subprocess.run(TASK + ["--event", bad.name], env=env, capture_output=True)
            expect("--event: bad JSON at its line and column", p.returncode == 1
                   and p.stderr.decode().startswith(f"{bad.name}:3:1: error: "), p.stderr)
        posts, proc = invoke(TASK, [run], env, deadlines=[1500])
        expect("deadline", len(posts) == 1 and posts[0][1] == "error" and
               posts[0][2]["errorMessage"].startswith("stopped early: ") and
               posts[0][2]["errorMessage"].endswith(" ms left, 1 paths not checked"), posts)
        posts, proc = invoke(TASK, [run], env, deadlines=[-1000])
        expect("deadline passed", posts == [("req-1", "error", {
            "errorMessage": "the invocation's deadline passed before the task started",
            "errorType": "Runtime.DeadlineExceeded"}, "Runtime.DeadlineExceeded")]
            and not any("path" in l for l in logs(proc)), posts)
        msgs = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        expect("nothing more published", msgs == [], msgs)
    finally:
        moto.stop()
for f in fails:
    print("FAIL", f)
print(f"example task end to end: {len(fails)} failures")
sys.exit(1 if fails else 0)
