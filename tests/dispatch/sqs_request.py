#!/usr/bin/env python3
"""The SQS SendMessageBatch request the dispatcher builds (runtime/sqs.c),
checked against botocore: the head (request line, Content-Type and
X-Amz-Target as botocore's JSON 1.0 serializer sets them, Host, X-Amz-Date,
the session token), the body equal as JSON to what botocore serializes for
the same parameters, and the Authorization header equal to botocore's
SigV4 signer's over the request as sent; the endpoint variables
(AWS_ENDPOINT_URL_SQS over AWS_ENDPOINT_URL); requests refused before
anything is sent (no entries, 11 entries, no queue URL)."""
import json
import os
import shlex
import subprocess
import sys

import botocore.session
from botocore import serialize
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TOOL = os.path.join(os.environ["CC_BUILD"], "tests", "rt_sqs_request")
DATE = "20261122T120000Z"
AK, SK, REGION = "AKIDEXAMPLE", "secret/key+1", "eu-south-1"
QURL = "https://sqs.eu-south-1.amazonaws.com/123456789012/requests.fifo"
fails = []
cases = 0
model = botocore.session.get_session().get_service_model("sqs")


def run(env_extra, args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": AK, "AWS_SECRET_ACCESS_KEY": SK, "AWS_REGION": REGION})
    env.update(env_extra)
    cmd = shlex.split(os.environ.get("CC_WRAP", "")) + [TOOL, DATE] + args
    p = subprocess.run(cmd, env=env, capture_output=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def check(name, env_extra, entries, want_url, want_host, token=None):
    global cases
    cases += 1
    args = [QURL]
    params = {"QueueUrl": QURL, "Entries": []}
    for i, (body, group, dedup) in enumerate(entries):
        args += [body, group or "-", dedup or "-"]
        e = {"Id": str(i), "MessageBody": body}
        if dedup:
            e["MessageDeduplicationId"] = dedup
        if group:
            e["MessageGroupId"] = group
        params["Entries"].append(e)
    if token:
        env_extra = dict(env_extra, AWS_SESSION_TOKEN=token)
    rc, out, err = run(env_extra, args)
    if rc != 0:
        fails.append(f"{name}: exit {rc}: {err}")
        return
    url, rest = out.split("\n", 1)
    head, body = rest.split("\r\n\r\n", 1)
    lines = head.split("\r\n")
    boto = serialize.create_serializer("json").serialize_to_request(
        params, model.operation_model("SendMessageBatch"))
    bh = boto["headers"]
    want = ["POST / HTTP/1.1", f"Content-Type: {bh['Content-Type']}",
            f"Content-Length: {len(body.encode())}", f"Host: {want_host}", f"X-Amz-Date: {DATE}"]
    if token:
        want.append(f"X-Amz-Security-Token: {token}")
    want.append(f"X-Amz-Target: {bh['X-Amz-Target']}")
    if url != want_url:
        fails.append(f"{name}: url {url!r}, want {want_url!r}")
    if lines[:-1] != want:
        fails.append(f"{name}: head {lines[:-1]!r}\n   want {want!r}")
    if json.loads(body) != json.loads(boto["body"]):
        fails.append(f"{name}: body {body!r}\n   botocore {boto['body']!r}")
    headers = dict(x.split(": ", 1) for x in lines[1:-1])
    req = AWSRequest(method="POST", url=url, data=body.encode(), headers=headers)
    req.context["timestamp"] = DATE
    auth = SigV4Auth(Credentials(AK, SK, token), "sqs", REGION)
    sig = auth.signature(auth.string_to_sign(req, auth.canonical_request(req)), req)
    signed = auth.signed_headers(auth.headers_to_sign(req))
    want_auth = (f"Authorization: AWS4-HMAC-SHA256 Credential={AK}/20261122/{REGION}/sqs/"
                 f"aws4_request, SignedHeaders={signed}, Signature={sig}")
    if lines[-1] != want_auth:
        fails.append(f"{name}: {lines[-1]!r}\n   want {want_auth!r}")


def refused(name, args, want):
    global cases
    cases += 1
    rc, out, err = run({}, args)
    if rc != 1 or out or want not in err:
        fails.append(f"{name}: exit {rc}, out {out!r}, err {err!r}")


MSG = '{"workflow_id" : "wf-1 \u00e9", "execution_id" : "e1", "payload" : {"a": "\\"q\\" & <b>"}}'
fifo = [(MSG, "wf-1 \u00e9", "0d5c7a3e-5b1e-4c39-9a51-3c1c2d5e0f11"),
        ('{"n":2}', "wf-2", "6f1d1b8a-1e3b-4bb5-8f0e-2a6b7c9d0e22")]
check("FIFO, two entries", {}, fifo, "https://sqs.eu-south-1.amazonaws.com/",
      "sqs.eu-south-1.amazonaws.com")
check("standard, ten entries, a session token", {},
      [(f'{{"i":{i}}}', None, None) for i in range(10)], "https://sqs.eu-south-1.amazonaws.com/",
      "sqs.eu-south-1.amazonaws.com", token="tok/en+1=")
check("AWS_ENDPOINT_URL", {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}, fifo[:1],
      "http://127.0.0.1:5000/", "127.0.0.1:5000")
check("AWS_ENDPOINT_URL_SQS wins", {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
                                    "AWS_ENDPOINT_URL_SQS": "http://localhost:4566/"},
      fifo[:1], "http://localhost:4566/", "localhost:4566")
refused("no entries", [QURL], "1 to 10 entries")
refused("eleven entries", [QURL] + ["{}", "-", "-"] * 11, "1 to 10 entries")
refused("no queue URL", ["-", "{}", "-", "-"], "a queue URL is required")
print(f"{cases} requests, {len(fails)} failures")
for f in fails:
    print("FAIL", f)
sys.exit(1 if fails else 0)
