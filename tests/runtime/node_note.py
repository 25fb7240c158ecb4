#!/usr/bin/env python3
"""The Node.js publisher of docs/message-contract.md, run from the page
itself (the ```js block, without the lines marked `// aws-sdk`: the AWS SDK
for JavaScript is not on the test machine, so SNS Publish is sent with
boto3 from exactly the input the block builds). Checks the input (topic,
FIFO group and de-duplication id, attributes), that the body passes the
runtime's check as a channel reads it, what SQS delivers through a
raw-delivery subscription, and the errors the block raises."""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from moto_util import Moto  # noqa: E402

SRC = os.environ["CC_SRC"]
page = open(os.path.join(SRC, "docs", "message-contract.md")).read()
m = re.search(r"```js\n(.*?)```", page, re.S)
assert m, "docs/message-contract.md: no ```js block"
code = "\n".join(ln for ln in m.group(1).splitlines() if not ln.rstrip().endswith("// aws-sdk"))
lines = len(m.group(1).splitlines())
fails = []
DRIVER = """
import { publishInput } from "./note.mjs";
const out = [];
for (const c of JSON.parse(process.argv[2])) {
  try { out.push({ input: publishInput(...c) }); } catch (e) { out.push({ error: e.message }); }
}
console.log(JSON.stringify(out));
"""
cases = [
    ["alerts", "Disk usage above 90%", {"host": "db-1", "pct": 93.4}, {"dedupId": "db-1-2026-11-22",
                                                                       "attributes": {"severity": "critical", "pct": 93.4}}],
    ["on-call", "Page", {"b": 1, "a": {"z": 1, "y": [2]}}, {"to": ["+15551234567"]}],
    ["reports", "Weekly", None, {}],
    ["alert", "x", None, {}],
    ["alerts", "two\nlines", None, {}],
    ["alerts", "", None, {}],
    ["alerts", "x", None, {"dedupId": "has space"}],
]
with tempfile.TemporaryDirectory() as tmp, Moto() as moto:
    open(os.path.join(tmp, "note.mjs"), "w").write(code)
    open(os.path.join(tmp, "driver.mjs"), "w").write(DRIVER)
    sns, sqs = moto.client("sns"), moto.client("sqs")
    arns, queues = {}, {}
    for key, name in [("alerts", "alerts.fifo"), ("on-call", "on-call.fifo"), ("reports", "reports")]:
        fifo = name.endswith(".fifo")
        arns[key] = sns.create_topic(Name=name, Attributes={"FifoTopic": "true"} if fifo else {})["TopicArn"]
        queues[key] = sqs.create_queue(QueueName="q-" + name, Attributes={"FifoQueue": "true"} if fifo else {})["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=queues[key], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=arns[key], Protocol="sqs", Endpoint=qarn, Attributes={"RawMessageDelivery": "true"})
    env = dict(os.environ, CLOUDCRON_TASK_NAME="node-task", CLOUDCRON_TOPIC_PAGER="",
               **{"CLOUDCRON_TOPIC_" + k.upper().replace("-", "_"): v for k, v in arns.items()})
    r = subprocess.run(["node", "driver.mjs", json.dumps(cases)], cwd=tmp, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr)
        sys.exit(1)
    out = json.loads(r.stdout)
    import hashlib
    want_errors = {3: 'unknown topic key "alert"; known keys: alerts, on-call, reports',
                   4: '"subject" must be one non-empty line', 5: '"subject" must be one non-empty line',
                   6: '"dedup_id" must be 1 to 128 printable ASCII characters'}
    for i, res in enumerate(out):
        if i in want_errors:
            if res.get("error") != want_errors[i]:
                fails.append(f"case {i}: {res}, want error {want_errors[i]!r}")
            continue
        if "input" not in res:
            fails.append(f"case {i}: {res}")
            continue
        inp = res["input"]
        body = inp["Message"]
        key = cases[i][0]
        tool = shlex.split(os.environ.get("CC_WRAP", "")) + [os.path.join(os.environ["CC_BUILD"], "tests", "rt_notification_check")]
        chk = subprocess.run(tool, input=body + "\n", capture_output=True, text=True).stdout
        if chk != "ok\n":
            fails.append(f"case {i}: the channels' check says {chk.strip()} on {body}")
        if inp["TopicArn"] != arns[key]:
            fails.append(f"case {i}: TopicArn {inp['TopicArn']}")
        if key != "reports":
            if inp.get("MessageGroupId") != "node-task":
                fails.append(f"case {i}: group {inp.get('MessageGroupId')}")
            want_dd = cases[i][3].get("dedupId") or hashlib.sha256(body.encode()).hexdigest()
            if inp.get("MessageDeduplicationId") != want_dd:
                fails.append(f"case {i}: dedup {inp.get('MessageDeduplicationId')}, want {want_dd}")
        elif "MessageGroupId" in inp or "MessageDeduplicationId" in inp:
            fails.append(f"case {i}: FIFO ids on a standard topic: {inp}")
        sns.publish(**{k: v for k, v in inp.items() if k != "MessageAttributes" or v})
        got = sqs.receive_message(QueueUrl=queues[key], MaxNumberOfMessages=10, AttributeNames=["All"],
                                  MessageAttributeNames=["All"]).get("Messages", [])
        if len(got) != 1 or got[0]["Body"] != body:
            fails.append(f"case {i}: delivered {got}")
            continue
        attrs = {k: (v["DataType"], v["StringValue"]) for k, v in got[0].get("MessageAttributes", {}).items()}
        want_attrs = {k: ("Number", str(v)) if isinstance(v, float) else ("String", v)
                      for k, v in cases[i][3].get("attributes", {}).items()}
        if attrs != want_attrs:
            fails.append(f"case {i}: attributes {attrs}, want {want_attrs}")
    first = json.loads(out[0]["input"]["Message"])
    if list(first) != ["dedup_id", "subject", "vars"] or first["vars"] != {"host": "db-1", "pct": 93.4}:
        fails.append(f"body {first}")
    if out[2]["input"]["Message"] != '{"subject":"Weekly"}':
        fails.append(f"vars left out when not given: {out[2]['input']['Message']}")
for f in fails:
    print("FAIL", f)
print(f"the note's block: {lines} lines; {len(cases)} cases, {len(fails)} failures")
sys.exit(1 if fails else 0)
