#!/usr/bin/env python3
"""Each AWS call of the runtime against a real moto_server on loopback,
through the real client (libcurl, SigV4, retries): the harness creates an
SNS FIFO topic with an SQS FIFO subscriber (raw delivery), a secret and a
SecureString parameter with boto3, calls them through tests/rt_aws_tool,
and checks both the result and what moto received (the message, its FIFO
group and de-duplication ids and its attributes, as SQS got them). Then the
errors: an unknown topic (XML Code), secret and parameter (JSON __type)."""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moto_util import Moto  # noqa: E402

TOOL = os.path.join(os.environ["CC_BUILD"], "tests", "rt_aws_tool")
fails = []


def run(env, *args):
    cmd = shlex.split(os.environ.get("CC_WRAP", "")) + [TOOL, *args]
    p = subprocess.run(cmd, env=env, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def expect(name, cond, detail):
    if not cond:
        fails.append(f"{name}: {detail}")


with tempfile.TemporaryDirectory() as tmp:
    moto = Moto(os.path.join(tmp, "moto.log"))
    try:
        sns, sqs = moto.client("sns"), moto.client("sqs")
        sm, ssm = moto.client("secretsmanager"), moto.client("ssm")
        topic = sns.create_topic(Name="alerts.fifo", Attributes={
            "FifoTopic": "true", "ContentBasedDeduplication": "false"})["TopicArn"]
        q = sqs.create_queue(QueueName="alerts.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn,
                      Attributes={"RawMessageDelivery": "true"})
        secret_arn = sm.create_secret(Name="twilio",
                                      SecretString='{"account_sid":"AC1","auth_token":"t0k"}')["ARN"]
        ssm.put_parameter(Name="/cloudcron/twilio/token", Value="s3cr3t é", Type="SecureString")
        env = moto.env()

        # SNS Publish: FIFO ids, subject, String and Number attributes
        msg = json.dumps({"subject": "Disk 93%", "vars": {"host": "db-1 é", "pct": 93.4},
                          "dedup_id": "db-1-2026-11-22"}, ensure_ascii=False)
        rc, out, err = run(env, "publish", topic, msg, "Disk 93%", "nightly-report", "db-1-2026-11-22",
                           "severity", "String", "critical", "pct", "Number", "93.4")
        expect("publish", rc == 0 and out.strip(), f"exit {rc}, out {out!r}, err {err!r}")
        got = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                  AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", [])
        expect("publish delivered", len(got) == 1, f"{len(got)} messages in the queue")
        if got:
            m = got[0]
            expect("publish body", m["Body"] == msg, f"{m['Body']!r} != {msg!r}")
            a = m["Attributes"]
            expect("publish group", a.get("MessageGroupId") == "nightly-report", a)
            expect("publish dedup", a.get("MessageDeduplicationId") == "db-1-2026-11-22", a)
            ma = {k: (v["DataType"], v["StringValue"]) for k, v in m.get("MessageAttributes", {}).items()}
            expect("publish attributes", ma == {"severity": ("String", "critical"), "pct": ("Number", "93.4")}, ma)
            expect("publish message id", out.strip() != "", out)
        # the same dedup id again within the window: SNS accepts, SQS drops it
        rc, out, err = run(env, "publish", topic, msg, "-", "nightly-report", "db-1-2026-11-22")
        expect("publish again", rc == 0, f"exit {rc}, err {err!r}")

        # GetSecretValue by ARN and by name, GetParameter with decryption
        for ref in (secret_arn, "twilio"):
            rc, out, err = run(env, "secret", ref)
            expect(f"secret {ref}", rc == 0 and out == '{"account_sid":"AC1","auth_token":"t0k"}\n',
                   f"exit {rc}, out {out!r}, err {err!r}")
        rc, out, err = run(env, "parameter", "/cloudcron/twilio/token")
        expect("parameter", rc == 0 and out == "s3cr3t é\n", f"exit {rc}, out {out!r}, err {err!r}")

        # errors, parsed from moto's own answers (code and message; moto answers
        # 404 where AWS answers 400 for a missing secret); nothing on stdout
        cases = [
            (["publish", topic.replace("alerts", "nope"), msg, "-", "g", "d"], r"sns Publish: HTTP 404 NotFound: "),
            (["secret", "nope"], r"secretsmanager GetSecretValue: HTTP 40[04] ResourceNotFoundException: "),
            (["parameter", "/nope"], r"ssm GetParameter: HTTP 400 ParameterNotFound: "),
            (["publish", topic, msg, "-", "-", "-"], r"sns Publish: HTTP 400 MissingParameter: .*MessageGroupId"),
        ]
        for args, want in cases:
            rc, out, err = run(env, *args)
            expect(f"error {args[0]} {args[1][-12:]}", rc == 1 and out == "" and re.match(want, err)
                   and "(1 attempt)" in err, f"exit {rc}, out {out!r}, err {err!r}, want {want!r}")
        expect("no secret in errors", all("t0k" not in run(env, *a)[2] for a, _ in cases), "leak")
    finally:
        moto.stop()
for f in fails:
    print("FAIL", f)
print(f"moto calls: {len(fails)} failures")
sys.exit(1 if fails else 0)
