#!/usr/bin/env python3
"""End to end against moto_server on a free loopback port: a task publishes
notifications to an SNS topic, SNS delivers them to the channel's SQS queue
(raw message delivery), the test receives them with boto3 and turns them
into the exact SQS event Lambda would send, and the real cloudcron-print
bootstrap handles it through a local Runtime API. One malformed message,
published through SNS too, sits in the middle of the batch: from a FIFO
queue it is reported in batchItemFailures with every record after it, from
a standard queue alone. The rendered texts are checked against Jinja2.
The same event then goes to the real cloudcron-email bootstrap, with moto's
SES v2 as the mail service (the sender verified first): the same records
fail, and what moto recorded as sent (/moto-api/data.json) is what Jinja2
renders for each of the others. And to the real cloudcron-sms bootstrap,
with its Twilio credentials in a Secrets Manager secret in moto and a
loopback HTTPS stand-in for Twilio (twilio_standin.py): the same records
fail, and the stand-in received one SMS per other record, as Jinja2 renders
it.

The first message comes from the example task (examples/task-c,
cloudcron-example-task, run through the Runtime API with
CLOUDCRON_TOPIC_ALERTS and AWS_ENDPOINT_URL at moto); boto3 publishes the
others, the malformed one among them."""
import hashlib
import json
import os
import sys
import tempfile
import urllib.request

import jinja2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime"))
import lambda_api as la  # noqa: E402
import tlsserver  # noqa: E402
import twilio_standin  # noqa: E402
from moto_util import Moto  # noqa: E402

BIN = os.environ["CC_BIN"]
PRINT = os.path.join(BIN, "cloudcron-print")
EMAIL = os.path.join(BIN, "cloudcron-email")
SMS = os.path.join(BIN, "cloudcron-sms")
PHONE = "+15551234567"
SENDER, TO = "cron@example.com", ["alice@example.com", "bob@example.com"]
SUBJECT = "[{{ env }}] {{ subject }}"
TASK = os.path.join(BIN, "cloudcron-example-task")
TEMPLATE = "[{{ env }}] {{ subject }}{% if host is defined %} on {{ host }}{% endif %} {{ message.vars|default({})|tojson }}"
CHANNEL_VARS = {"env": "prod", "team": "ops"}
MALFORMED = json.dumps({"subject": "misspelt vars key", "var": {"host": "db-9"}})
fails = []


def oracle(body, template=TEMPLATE):
    msg = json.loads(body)
    ctx = dict(CHANNEL_VARS)
    ctx.update(msg.get("vars", {}))
    ctx["subject"] = msg["subject"]
    ctx["message"] = msg
    return jinja2.Environment().from_string(template).render(ctx)


def sent_mail(moto):
    """What moto's SES backend recorded as sent: {message id: message}."""
    with urllib.request.urlopen(moto.url + "/moto-api/data.json", timeout=10) as r:
        return {m["id"]: m for m in json.load(r).get("ses", {}).get("Message", [])}


def run_channel(label, binary, env, event, want):
    """Runs a channel bootstrap on event (channel vars and template set);
    returns its log lines, or None (a failure noted) when it did not answer
    want."""
    name = os.path.basename(binary)
    api, proc = la.run([binary], la.base_env(CLOUDCRON_TEMPLATE=TEMPLATE, CLOUDCRON_VARS=json.dumps(CHANNEL_VARS),
                                              **env), [la.Event("c-1", event)])
    got = api.posts.get("c-1/response")
    if proc.returncode != 0 or not got or got[0] != want:
        fails.append(f"{label} {name}: exit {proc.returncode}, response {got and got[0]}, want {want}; "
                     f"{proc.stderr.decode()[-1500:]}")
        return None
    return la.log_lines(proc.stderr)


def email_channel(moto, label, event, want, handled, env):
    """Runs cloudcron-email on event: the response must be want, and moto
    must have recorded one e-mail for each (message id, notification) in
    handled, as Jinja2 renders it."""
    before = set(sent_mail(moto))
    logs = run_channel(label, EMAIL, dict(env, CLOUDCRON_SUBJECT=SUBJECT, CLOUDCRON_SENDER=SENDER,
                                          CLOUDCRON_RECIPIENTS=",".join(TO)), event, want)
    if logs is None:
        return
    ids = {l["message_id"]: l["ses_message_id"] for l in logs if l.get("message") == "sent"}
    mail = sent_mail(moto)
    if set(mail) - before != set(ids.values()):
        fails.append(f"{label} email: moto recorded {sorted(set(mail) - before)}, logged {ids}")
    for mid, body in handled.items():
        m = mail.get(ids.get(mid), {})
        have = (m.get("source"), m.get("destinations"), m.get("subject"), m.get("body"))
        want_m = (SENDER, {"ToAddresses": TO}, oracle(body, SUBJECT), oracle(body))
        if have != want_m:
            fails.append(f"{label} email: {mid} sent as {have}, want {want_m}")


def run_example_task(env, topic_arn, label):
    """Runs the example task once through the Runtime API, with a Scheduler
    input whose threshold 0 makes it publish one alert for "/". Returns True
    when it answered {"alerts": 1, ...}."""
    task_input = json.dumps({"paths": ["/"], "threshold": 0, "host": f"e2e-{label}",
                             "scheduled_time": "2026-11-22T02:00:00Z"})
    api, proc = la.run([TASK], la.base_env(**env, CLOUDCRON_TOPIC_ALERTS=topic_arn,
                                           AWS_LAMBDA_FUNCTION_NAME="disk-check"),
                       [la.Event("task-1", task_input)])
    got = api.posts.get("task-1/response")
    if not got or got[0].get("alerts") != 1:
        fails.append(f"{label}: the example task did not publish one alert: posts {api.posts}, "
                     f"exit {proc.returncode}, {proc.stderr.decode()[-1500:]}")
        return False
    return True


def lambda_record(m, queue_arn):
    """An SQS message as the Lambda event source mapping hands it over."""
    a = m["Attributes"]
    attrs = {k: a[k] for k in ("ApproximateReceiveCount", "SentTimestamp", "SenderId",
                               "ApproximateFirstReceiveTimestamp", "SequenceNumber", "MessageGroupId",
                               "MessageDeduplicationId") if k in a}
    mattrs = {}
    for k, v in m.get("MessageAttributes", {}).items():
        mattrs[k] = {"stringValue": v.get("StringValue"), "stringListValues": [], "binaryListValues": [],
                     "dataType": v["DataType"]}
    rec = {"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
           "attributes": attrs, "messageAttributes": mattrs, "md5OfBody": m["MD5OfBody"],
           "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": "us-east-1"}
    if "MD5OfMessageAttributes" in m:
        rec["md5OfMessageAttributes"] = m["MD5OfMessageAttributes"]
    return rec


def sms_channel(label, event, want, handled, env):
    """Runs cloudcron-sms on event: the response must be want, and the
    Twilio stand-in must have received one SMS for each notification in
    handled, in order, as Jinja2 renders it."""
    stand_in = twilio_standin.FakeTwilio
    with stand_in.lock:
        stand_in.sent = []
    if run_channel(label, SMS, dict(env, CLOUDCRON_FROM="+15005550006", CLOUDCRON_RECIPIENTS=PHONE,
                                    CLOUDCRON_ALLOW_OVERRIDE="false"), event, want) is None:
        return
    have = [(to, body) for to, _, body, _ in stand_in.sent]
    want_sms = [(PHONE, oracle(b)) for b in handled.values()]
    if have != want_sms:
        fails.append(f"{label} sms: the stand-in received {have}, want {want_sms}")


def scenario(moto, label, fifo, raw, sms_env):
    sns, sqs = moto.client("sns"), moto.client("sqs")
    suffix = ".fifo" if fifo else ""
    tattrs = {"FifoTopic": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    topic = sns.create_topic(Name=f"e2e-{label}-alerts{suffix}", Attributes=tattrs)["TopicArn"]
    qattrs = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    qurl = sqs.create_queue(QueueName=f"e2e-{label}-print{suffix}", Attributes=qattrs)["QueueUrl"]
    qarn = sqs.get_queue_attributes(QueueUrl=qurl, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn,
                  Attributes={"RawMessageDelivery": "true" if raw else "false"})

    env = {"AWS_ENDPOINT_URL": moto.url}
    if not run_example_task(env, topic, label):
        return
    bodies = [json.dumps({"subject": "Disk usage above 90%", "vars": {"host": "db-1", "pct": 93.4},
                          "dedup_id": f"{label}-db-1"}),
              MALFORMED,
              json.dumps({"subject": "Nightly report", "vars": {"env": "staging", "rows": [1, 2]}}),
              json.dumps({"subject": "Only a subject <b>"})]
    for i, b in enumerate(bodies):
        # an explicit deduplication id: moto gives SQS records a SequenceNumber
        # only then (AWS always does on FIFO queues)
        kw = {"MessageGroupId": "alerts", "MessageDeduplicationId": f"{label}-{i}"} if fifo else {}
        sns.publish(TopicArn=topic, Message=b, MessageAttributes={
            "severity": {"DataType": "String", "StringValue": "critical"}}, **kw)
    want_n = len(bodies) + 1  # and the task's

    msgs = []
    for _ in range(20):
        r = sqs.receive_message(QueueUrl=qurl, MaxNumberOfMessages=10, AttributeNames=["All"],
                                MessageAttributeNames=["All"], WaitTimeSeconds=0)
        msgs += r.get("Messages", [])
        if len(msgs) >= want_n:
            break
    if len(msgs) != want_n:
        fails.append(f"{label}: received {len(msgs)} messages, want {want_n}")
        return
    records = [lambda_record(m, qarn) for m in msgs]
    for rec in records:
        if hashlib.md5(rec["body"].encode()).hexdigest() != rec["md5OfBody"]:
            fails.append(f"{label}: md5OfBody does not match the body of {rec['messageId']}")
        from_boto3 = rec["attributes"].get("MessageDeduplicationId", "").startswith(label)
        if fifo and ("MessageGroupId" not in rec["attributes"] or
                     (from_boto3 and "SequenceNumber" not in rec["attributes"])):
            fails.append(f"{label}: FIFO record without MessageGroupId/SequenceNumber: {rec['attributes']}")
        from_task = f'"e2e-{label}"' in rec["body"]  # the example task sets no attributes
        if raw and not from_task and rec["messageAttributes"].get("severity", {}).get("stringValue") != "critical":
            fails.append(f"{label}: the SNS message attribute did not reach SQS: {rec['messageAttributes']}")
    # the notification inside each body (raw: the body; otherwise the envelope's Message)
    inner = [r["body"] if raw else json.loads(r["body"])["Message"] for r in records]
    if MALFORMED not in inner:
        fails.append(f"{label}: the malformed message is not in the batch")
        return
    bad = inner.index(MALFORMED)
    if not 0 < bad < len(inner) - 1:
        fails.append(f"{label}: the malformed message is at {bad} of {len(inner)}, not in the middle")
    ids = [r["messageId"] for r in records]
    want_failures = ids[bad:] if fifo else [ids[bad]]
    want_texts = {ids[i]: oracle(b) for i, b in enumerate(inner) if i != bad}

    event = json.dumps({"Records": records})
    api, proc = la.run([PRINT], la.base_env(CLOUDCRON_TEMPLATE=TEMPLATE, CLOUDCRON_VARS=json.dumps(CHANNEL_VARS),
                                             **env), [la.Event("print-1", event)])
    if proc.returncode != 0:
        fails.append(f"{label}: cloudcron-print exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    got = api.posts.get("print-1/response")
    want = {"batchItemFailures": [{"itemIdentifier": i} for i in want_failures]}
    if not got or got[0] != want:
        fails.append(f"{label}: response {got and got[0]}, want {want}")
    logs = la.log_lines(proc.stderr)
    texts = {l["message_id"]: l["text"] for l in logs if l.get("level") == "INFO"}
    if fifo:  # the records after the failed one are left for SQS to redeliver, in order
        want_texts = {k: v for k, v in want_texts.items() if ids.index(k) < bad}
    if texts != want_texts:
        fails.append(f"{label}: rendered {json.dumps(texts, indent=1)}\n want {json.dumps(want_texts, indent=1)}")
    errs = [l for l in logs if l.get("level") == "ERROR"]
    if [e.get("message_id") for e in errs] != [ids[bad]]:
        fails.append(f"{label}: ERROR lines {errs}, want one for {ids[bad]}")
    handled = {ids[i]: b for i, b in enumerate(inner) if i != bad and (not fifo or i < bad)}
    email_channel(moto, label, event, want, handled, env)
    sms_channel(label, event, want, handled, dict(env, **sms_env))
    task_msgs = [json.loads(b) for b in inner if b != MALFORMED and json.loads(b)["subject"].startswith("Disk usage")
                 and json.loads(b)["vars"].get("host") == f"e2e-{label}"]
    if len(task_msgs) != 1:
        fails.append(f"{label}: the example task's message is not in the batch exactly once: {inner}")
    print(f"{label}: {len(records)} records (one from the example task), "
          f"failures at {[ids.index(i) for i in want_failures]}")


with Moto() as moto, tempfile.TemporaryDirectory() as tmp:
    moto.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    secret = moto.client("secretsmanager").create_secret(
        Name="e2e/twilio", SecretString=twilio_standin.credentials())["ARN"]
    twilio, twilio_url, cert = tlsserver.serve(twilio_standin.FakeTwilio, tmp)
    sms_env = {"CLOUDCRON_TWILIO_SECRET": secret, "CLOUDCRON_TWILIO_URL": twilio_url, "AWS_CA_BUNDLE": cert}
    scenario(moto, "fifo", fifo=True, raw=True, sms_env=sms_env)
    scenario(moto, "standard", fifo=False, raw=True, sms_env=sms_env)
    scenario(moto, "standard-envelope", fifo=False, raw=False, sms_env=sms_env)
    twilio.shutdown()
for f in fails:
    print("FAIL", f)
print(f"3 scenarios, {len(fails)} failures")
sys.exit(1 if fails else 0)
