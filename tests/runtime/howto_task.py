#!/usr/bin/env python3
"""The task of docs/HOWTO-write-a-task.md (compiled from the page by CMake)
run once with --event against moto_server: it publishes what the page says
it does to the topic of key "alerts"; without the topic it fails naming the
key."""
import json
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moto_util import Moto  # noqa: E402

TASK = shlex.split(os.environ.get("CC_WRAP", "")) + [os.path.join(os.environ["CC_BUILD"], "tests", "rt_howto_task")]
fails = []
with tempfile.TemporaryDirectory() as tmp:
    moto = Moto(os.path.join(tmp, "moto.log"))
    try:
        sns, sqs = moto.client("sns"), moto.client("sqs")
        topic = sns.create_topic(Name="alerts.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
        q = sqs.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn, Attributes={"RawMessageDelivery": "true"})
        env = moto.env(CLOUDCRON_TOPIC_ALERTS=topic, CLOUDCRON_TASK_NAME="my-task")
        p = subprocess.run(TASK + ["--event", "-"], input=b'{"host": "db-1"}', env=env, capture_output=True)
        if p.returncode != 0 or json.loads(p.stdout) != {"published": 1}:
            fails.append(f"run: exit {p.returncode}, {p.stdout!r} {p.stderr.decode()}")
        msgs = sqs.receive_message(QueueUrl=q, AttributeNames=["All"], WaitTimeSeconds=1).get("Messages", [])
        want = {"subject": "Disk usage above 90%", "vars": {"host": "db-1", "pct": 93.4}, "dedup_id": "db-1-2026-11-22"}
        if len(msgs) != 1 or json.loads(msgs[0]["Body"]) != want or \
                msgs[0]["Attributes"].get("MessageDeduplicationId") != "db-1-2026-11-22" or \
                msgs[0]["Attributes"].get("MessageGroupId") != "my-task":
            fails.append(f"delivered {msgs}")
        del env["CLOUDCRON_TOPIC_ALERTS"]
        p = subprocess.run(TASK + ["--event", "-"], input=b"{}", env=env, capture_output=True)
        err = [json.loads(l) for l in p.stderr.decode().splitlines() if l.startswith("{")]
        if p.returncode != 1 or p.stdout or not any(
                l["level"] == "ERROR" and 'unknown topic key "alerts"' in l["message"] for l in err):
            fails.append(f"no topic: exit {p.returncode}, {p.stdout!r} {p.stderr.decode()}")
    finally:
        moto.stop()
for f in fails:
    print("FAIL", f)
print(f"HOWTO task: {len(fails)} failures")
sys.exit(1 if fails else 0)
