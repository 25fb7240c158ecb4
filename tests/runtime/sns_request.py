#!/usr/bin/env python3
"""SNS Publish requests: exact bytes (request line, headers, form body) and
the signature, recomputed by botocore's own SigV4 signer over the same
request. Also: endpoint override variables and the session token."""
import os
import shlex
import subprocess
import sys
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TOOL = os.path.join(os.environ["CC_BUILD"], "tests", "rt_sns_request")
TOPIC = "arn:aws:sns:eu-south-1:123456789012:alerts.fifo"
MSG = '{"subject":"Disk 90%","vars":{"host":"db-1 é"}}'
DATE = "20261122T120000Z"
fails = []


def run(env_extra, args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret/key+1",
                "AWS_REGION": "eu-south-1"})
    env.update(env_extra)
    cmd = shlex.split(os.environ.get("CC_WRAP", "")) + [TOOL] + args
    p = subprocess.run(cmd, env=env, capture_output=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def check(name, env_extra, args, want_url, want_host, want_body, token=None):
    rc, out, err = run(env_extra, args)
    if rc != 0:
        fails.append(f"{name}: exit {rc}: {err}")
        return
    url, rest = out.split("\n", 1)
    head, body = rest.split("\r\n\r\n", 1)
    lines = head.split("\r\n")
    want = ["POST / HTTP/1.1",
            "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
            f"Content-Length: {len(want_body.encode())}", f"Host: {want_host}",
            f"X-Amz-Date: {DATE}"] + ([f"X-Amz-Security-Token: {token}"] if token else [])
    if url != want_url:
        fails.append(f"{name}: url {url!r}, want {want_url!r}")
    if lines[:-1] != want:
        fails.append(f"{name}: head {lines[:-1]!r}, want {want!r}")
    if body != want_body:
        fails.append(f"{name}: body {body!r}, want {want_body!r}")
    # botocore signs the same request
    headers = dict(l.split(": ", 1) for l in lines[1:-1])
    req = AWSRequest(method="POST", url=url, data=body.encode(), headers=headers)
    req.context["timestamp"] = DATE
    auth = SigV4Auth(Credentials("AKIDEXAMPLE", "secret/key+1", token), "sns", "eu-south-1")
    cr = auth.canonical_request(req)
    sig = auth.signature(auth.string_to_sign(req, cr), req)
    signed = ";".join(auth.signed_headers(auth.headers_to_sign(req)).split(";"))
    want_auth = (f"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/eu-south-1/sns/"
                 f"aws4_request, SignedHeaders={signed}, Signature={sig}")
    if lines[-1] != want_auth:
        fails.append(f"{name}: {lines[-1]!r}\n   want {want_auth!r}")


def form(pairs):
    return "&".join(f"{k}={urllib.parse.quote(v, safe='-_.~')}" for k, v in pairs)


fifo_body = form([("Action", "Publish"), ("MessageGroupId", "g1"),
                  ("MessageDeduplicationId", "db-1-2026-11-22"), ("Message", MSG),
                  ("Subject", "Disk 90%"), ("TopicArn", TOPIC), ("Version", "2010-03-31")])
plain_body = form([("Action", "Publish"), ("Message", MSG), ("TopicArn", TOPIC),
                   ("Version", "2010-03-31")])
check("fifo, default endpoint", {}, [TOPIC, MSG, "Disk 90%", "g1", "db-1-2026-11-22", DATE],
      "https://sns.eu-south-1.amazonaws.com/", "sns.eu-south-1.amazonaws.com", fifo_body)
check("AWS_ENDPOINT_URL", {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000/"},
      [TOPIC, MSG, "-", "-", "-", DATE], "http://127.0.0.1:5000/", "127.0.0.1:5000", plain_body)
check("AWS_ENDPOINT_URL_SNS wins", {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
                                    "AWS_ENDPOINT_URL_SNS": "http://localhost:4566"},
      [TOPIC, MSG, "-", "-", "-", DATE], "http://localhost:4566/", "localhost:4566", plain_body)
check("session token", {"AWS_SESSION_TOKEN": "tok/en=="}, [TOPIC, MSG, "-", "-", "-", DATE],
      "https://sns.eu-south-1.amazonaws.com/", "sns.eu-south-1.amazonaws.com", plain_body,
      token="tok/en==")
rc, _, err = run({"AWS_REGION": ""}, [TOPIC, MSG, "-", "-", "-", DATE])
if rc == 0 or "AWS_REGION" not in err:
    fails.append(f"missing region: exit {rc}, stderr {err!r}")
for f in fails:
    print("FAIL", f)
print(f"5 cases, {len(fails)} failures")
sys.exit(1 if fails else 0)
