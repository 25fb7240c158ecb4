#!/usr/bin/env python3
"""The contract holds across languages: one notification published by each
SDK (the C SDK, linked as cloudcron::cloudcron in rt_sdk_publisher; the
Python package runtime/python; the Node.js publisher of
docs/message-contract.md, whose input is sent with boto3) through SNS and
SQS in moto_server (a FIFO topic with raw delivery, a standard topic with
the SNS envelope), then rendered by each channel handler (print, e-mail
with moto's SES v2, SMS with the Twilio stand-in and the message's `to`
allowed), each output checked against Jinja2. Also: the C and Python
bodies are byte-identical, so on a FIFO topic the same message from both
gets the same de-duplication id and is delivered once; each SDK refuses a
two-line subject before sending."""
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

import jinja2

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ["CC_SRC"]
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "runtime"))
import lambda_api as la  # noqa: E402
import tlsserver  # noqa: E402
import twilio_standin  # noqa: E402
from moto_util import Moto  # noqa: E402

BIN, BUILD = os.environ["CC_BIN"], os.environ["CC_BUILD"]
PUBLISHER = la.wrap() + [os.path.join(BUILD, "tests", "rt_sdk_publisher")]
PYPATH = os.path.join(SRC, "runtime", "python")
TEMPLATE = "[{{ env }}] {{ subject }} from {{ sdk }} on {{ host }} ({{ pct }}%) {{ message.vars.tags|join(',') }}"
SUBJECT_TPL = "[{{ env }}] {{ subject }}"
CHANNEL_VARS = {"env": "prod", "host": "default-host"}
SENDER, TO = "cron@example.com", ["alice@example.com"]
PHONE = "+15557654321"
fails = []


def message(sdk):
    return {"subject": "Disk 93% on db-1 <b>é</b>", "vars": {"host": "db-1", "pct": 93.4, "sdk": sdk,
                                                           "tags": ["disk", "prod"]},
            "to": [PHONE]}


def oracle(body, template=TEMPLATE):
    msg = json.loads(body)
    ctx = dict(CHANNEL_VARS)
    ctx.update(msg.get("vars", {}))
    ctx["subject"] = msg["subject"]
    ctx["message"] = msg
    return jinja2.Environment().from_string(template).render(ctx)


def node_inputs(env, calls):
    """publishInput(...) of the page's Node block for each call: an input or
    {"error": text}."""
    page = open(os.path.join(SRC, "docs", "message-contract.md")).read()
    code = "\n".join(ln for ln in re.search(r"```js\n(.*?)```", page, re.S).group(1).splitlines()
                     if not ln.rstrip().endswith("// aws-sdk"))
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "note.mjs"), "w").write(code)
        open(os.path.join(d, "driver.mjs"), "w").write(
            'import { publishInput } from "./note.mjs";\n'
            "const out = [];\n"
            "for (const c of JSON.parse(process.argv[2])) {\n"
            "  try { out.push(publishInput(...c)); } catch (e) { out.push({ error: e.message }); }\n"
            "}\nconsole.log(JSON.stringify(out));\n")
        p = subprocess.run(["node", "driver.mjs", json.dumps(calls)], cwd=d, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        fails.append(f"node: {p.stderr}")
        return [{"error": "node failed"}] * len(calls)
    return json.loads(p.stdout)


def c_publish(env, m, topic="alerts"):
    ev = dict(m, topic=topic, attrs={"severity": "critical"})
    return subprocess.run(PUBLISHER + ["--event", "-"], input=json.dumps(ev), env=env, capture_output=True,
                          text=True)


PY = ("import json, sys, cloudcron\n"
      "m = json.loads(sys.argv[1])\n"
      "try:\n"
      "    p = cloudcron.publish('alerts', m['subject'], m.get('vars'), to=m.get('to'),\n"
      "                          attributes={'severity': 'critical'})\n"
      "    print(json.dumps(p))\n"
      "except cloudcron.MessageError as e:\n"
      "    print(json.dumps({'error': str(e)}))\n")


def py_publish(env, m):
    p = subprocess.run([sys.executable, "-c", PY, json.dumps(m)], env=dict(env, PYTHONPATH=PYPATH),
                       capture_output=True, text=True)
    if p.returncode != 0:
        fails.append(f"python publish: {p.stderr[-1500:]}")
        return {}
    return json.loads(p.stdout)


def sent_mail(moto):
    with urllib.request.urlopen(moto.url + "/moto-api/data.json", timeout=10) as r:
        return {m["id"]: m for m in json.load(r).get("ses", {}).get("Message", [])}


def lambda_record(m, queue_arn):
    a = m["Attributes"]
    attrs = {k: a[k] for k in ("ApproximateReceiveCount", "SentTimestamp", "SenderId",
                               "ApproximateFirstReceiveTimestamp", "SequenceNumber", "MessageGroupId",
                               "MessageDeduplicationId") if k in a}
    return {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": attrs, "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": "us-east-1"}


def channel(label, binary, env, event):
    api, proc = la.run([os.path.join(BIN, binary)],
                       la.base_env(CLOUDCRON_TEMPLATE=TEMPLATE, CLOUDCRON_VARS=json.dumps(CHANNEL_VARS), **env),
                       [la.Event("c-1", event)])
    got = api.posts.get("c-1/response")
    if proc.returncode != 0 or not got or got[0] != {"batchItemFailures": []}:
        fails.append(f"{label} {binary}: exit {proc.returncode}, response {got and got[0]}; "
                     f"{proc.stderr.decode()[-1500:]}")
        return None
    return la.log_lines(proc.stderr)


def scenario(moto, label, fifo, raw, sms_env):
    sns, sqs = moto.client("sns"), moto.client("sqs")
    sfx = ".fifo" if fifo else ""
    topic = sns.create_topic(Name=f"x-{label}{sfx}", Attributes={"FifoTopic": "true"} if fifo else {})["TopicArn"]
    qurl = sqs.create_queue(QueueName=f"x-{label}{sfx}", Attributes={"FifoQueue": "true"} if fifo else {})["QueueUrl"]
    qarn = sqs.get_queue_attributes(QueueUrl=qurl, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn,
                  Attributes={"RawMessageDelivery": "true" if raw else "false"})
    env = la.base_env(AWS_ENDPOINT_URL=moto.url, CLOUDCRON_TOPIC_ALERTS=topic, CLOUDCRON_TASK_NAME="cross-task")

    # one message from each SDK
    p = c_publish(env, message("c"))
    if p.returncode != 0:
        fails.append(f"{label}: the C publisher failed: {p.stderr[-1500:]}")
    py = py_publish(env, message("python"))
    m = message("node")
    [node] = node_inputs(env, [["alerts", m["subject"], m["vars"], {"to": m["to"],
                                                                   "attributes": {"severity": "critical"}}]])
    if "error" in node:
        fails.append(f"{label}: node: {node}")
    else:
        sns.publish(**node)
    # each refuses a two-line subject before sending
    p = c_publish(env, {"subject": "two\nlines"})
    last = (la.log_lines(p.stderr.encode()) or [{}])[-1]
    if p.returncode != 1 or not last.get("message", "").endswith('"subject" must be one line') \
            or last.get("error_type") != "cloudcron.InvalidMessage":
        fails.append(f"{label}: C: a two-line subject: exit {p.returncode} {p.stderr[-500:]}")
    e = py_publish(env, {"subject": "two\nlines"})
    if '"subject" must be one line' not in e.get("error", ""):
        fails.append(f"{label}: Python: a two-line subject: {e}")
    [e] = node_inputs(env, [["alerts", "two\nlines", None, {}]])
    if "one non-empty line" not in e.get("error", ""):
        fails.append(f"{label}: Node: a two-line subject: {e}")
    # the same message from C and Python: the same bytes, hence one delivery on FIFO
    same = {"subject": "Same from both", "vars": {"n": 1, "pct": 0.1}}
    p = c_publish(env, same)
    c_dedup = [json.loads(ln).get("dedup_id") for ln in p.stderr.splitlines()
               if ln.startswith("{") and "published" in ln]
    py_same = py_publish(env, same)
    if fifo and (not c_dedup or c_dedup[0] != py_same.get("dedup_id")):
        fails.append(f"{label}: the same message got dedup ids C {c_dedup}, Python {py_same.get('dedup_id')}")

    want_n = 4 if fifo else 5
    msgs = []
    for _ in range(20):
        msgs += sqs.receive_message(QueueUrl=qurl, MaxNumberOfMessages=10, AttributeNames=["All"],
                                    WaitTimeSeconds=0).get("Messages", [])
        if len(msgs) >= want_n:
            break
    if len(msgs) != want_n:
        fails.append(f"{label}: received {len(msgs)} messages, want {want_n}")
        return
    inner = [json.loads(m["Body"])["Message"] if not raw else m["Body"] for m in msgs]
    by_sdk = {}
    for m, body in zip(msgs, inner):
        sdk = json.loads(body).get("vars", {}).get("sdk")
        if sdk:
            by_sdk[sdk] = (m, body)
        if fifo and m["Attributes"].get("MessageGroupId") != "cross-task":
            fails.append(f"{label}: group {m['Attributes'].get('MessageGroupId')} for {body}")
    if sorted(by_sdk) != ["c", "node", "python"]:
        fails.append(f"{label}: messages from {sorted(by_sdk)}")
        return
    if by_sdk["c"][1].replace('"sdk":"c"', '"sdk":"python"') != by_sdk["python"][1]:
        fails.append(f"{label}: C and Python bodies differ: {by_sdk['c'][1]} / {by_sdk['python'][1]}")
    if py.get("body") != by_sdk["python"][1]:
        fails.append(f"{label}: Python returned body {py.get('body')}, delivered {by_sdk['python'][1]}")
    for sdk in by_sdk:
        if json.loads(by_sdk[sdk][1]) != message(sdk):
            fails.append(f"{label}: {sdk} delivered {by_sdk[sdk][1]}")

    order = ["c", "python", "node"]
    records = [lambda_record(by_sdk[s][0], qarn) for s in order]
    bodies = {r["messageId"]: by_sdk[s][1] for r, s in zip(records, order)}
    event = json.dumps({"Records": records})
    logs = channel(label, "cloudcron-print", {}, event)
    if logs is not None:
        texts = {ln["message_id"]: ln["text"] for ln in logs if ln.get("message") == "rendered"}
        want = {mid: oracle(b) for mid, b in bodies.items()}
        if texts != want:
            fails.append(f"{label} print: {json.dumps(texts, indent=1, ensure_ascii=False)}\n want "
                         f"{json.dumps(want, indent=1, ensure_ascii=False)}")
    before = set(sent_mail(moto))
    logs = channel(label, "cloudcron-email", {"AWS_ENDPOINT_URL": moto.url, "CLOUDCRON_SUBJECT": SUBJECT_TPL,
                                              "CLOUDCRON_SENDER": SENDER, "CLOUDCRON_RECIPIENTS": ",".join(TO)},
                   event)
    if logs is not None:
        ids = {ln["message_id"]: ln["ses_message_id"] for ln in logs if ln.get("message") == "sent"}
        mail = sent_mail(moto)
        if set(mail) - before != set(ids.values()) or len(ids) != 3:
            fails.append(f"{label} email: moto recorded {sorted(set(mail) - before)}, logged {ids}")
        for mid, b in bodies.items():
            got = mail.get(ids.get(mid), {})
            have = (got.get("destinations"), got.get("subject"), got.get("body"))
            want = ({"ToAddresses": TO}, oracle(b, SUBJECT_TPL), oracle(b))
            if have != want:
                fails.append(f"{label} email: {mid} sent as {have}, want {want}")
    stand_in = twilio_standin.FakeTwilio
    with stand_in.lock:
        stand_in.sent = []
    if channel(label, "cloudcron-sms", dict(sms_env, AWS_ENDPOINT_URL=moto.url, CLOUDCRON_FROM="+15005550006",
                                            CLOUDCRON_RECIPIENTS="+15550000001", CLOUDCRON_ALLOW_OVERRIDE="true"),
               event) is not None:
        have = [(to, body) for to, _, body, _ in stand_in.sent]
        want = [(PHONE, oracle(b)) for b in bodies.values()]
        if have != want:
            fails.append(f"{label} sms: the stand-in received {have}, want {want}")
    print(f"{label}: C, Python and Node messages rendered by print, email and sms")


with Moto() as moto, tempfile.TemporaryDirectory() as tmp:
    moto.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    secret = moto.client("secretsmanager").create_secret(
        Name="x/twilio", SecretString=twilio_standin.credentials())["ARN"]
    twilio, twilio_url, cert = tlsserver.serve(twilio_standin.FakeTwilio, tmp)
    sms_env = {"CLOUDCRON_TWILIO_SECRET": secret, "CLOUDCRON_TWILIO_URL": twilio_url, "AWS_CA_BUNDLE": cert}
    scenario(moto, "fifo", fifo=True, raw=True, sms_env=sms_env)
    scenario(moto, "standard-envelope", fifo=False, raw=False, sms_env=sms_env)
    twilio.shutdown()
for f in fails:
    print("FAIL", f)
print(f"2 scenarios, {len(fails)} failures")
sys.exit(1 if fails else 0)
