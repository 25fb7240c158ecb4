#!/usr/bin/env python3
"""S3 GetObject requests: exact bytes (request line and headers) and the
signature, recomputed by botocore's own S3 SigV4 signer over the same
request; virtual-host and path style, endpoint override variables, the
session token, keys that need encoding; S3 XML error bodies."""
import os
import shlex
import subprocess
import sys

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TOOL = os.path.join(os.environ["CC_BUILD"], "tests", "rt_s3_request")
DATE = "20261122T120000Z"
EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
fails = []
cases = [0]


def run(env_extra, args, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret/key+1",
                "AWS_REGION": "eu-south-1"})
    env.update(env_extra)
    cmd = shlex.split(os.environ.get("CC_WRAP", "")) + [TOOL] + args
    p = subprocess.run(cmd, env=env, capture_output=True, input=stdin)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def check(name, env_extra, bucket, key, want_url, want_host, want_path, token=None):
    cases[0] += 1
    rc, out, err = run(env_extra, [bucket, key, DATE])
    if rc != 0:
        fails.append(f"{name}: exit {rc}: {err}")
        return
    url, rest = out.split("\n", 1)
    head, tail = rest.split("\r\n\r\n", 1)
    lines = head.split("\r\n")
    want = [f"GET {want_path} HTTP/1.1", f"Host: {want_host}", f"X-Amz-Content-SHA256: {EMPTY}",
            f"X-Amz-Date: {DATE}"] + ([f"X-Amz-Security-Token: {token}"] if token else [])
    if url != want_url:
        fails.append(f"{name}: url {url!r}, want {want_url!r}")
    if lines[:-1] != want:
        fails.append(f"{name}: head {lines[:-1]!r}, want {want!r}")
    if tail:
        fails.append(f"{name}: bytes after the head: {tail!r}")
    headers = dict(l.split(": ", 1) for l in lines[1:-1])
    req = AWSRequest(method="GET", url=url, data=b"", headers=headers)
    req.context["timestamp"] = DATE
    auth = S3SigV4Auth(Credentials("AKIDEXAMPLE", "secret/key+1", token), "s3", "eu-south-1")
    cr = auth.canonical_request(req)
    sig = auth.signature(auth.string_to_sign(req, cr), req)
    signed = auth.signed_headers(auth.headers_to_sign(req))
    want_auth = (f"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/eu-south-1/s3/"
                 f"aws4_request, SignedHeaders={signed}, Signature={sig}")
    if lines[-1] != want_auth:
        fails.append(f"{name}: {lines[-1]!r}\n   want {want_auth!r}\n   botocore's canonical request:\n{cr}")


KEY = "alerts/disk full é+%.html"
ENC = "alerts/disk%20full%20%C3%A9%2B%25.html"
check("virtual host", {}, "cloudcron-templates", KEY,
      f"https://cloudcron-templates.s3.eu-south-1.amazonaws.com/{ENC}",
      "cloudcron-templates.s3.eu-south-1.amazonaws.com", f"/{ENC}")
check("dotted bucket: path style", {}, "templates.example.com", "t.txt",
      "https://s3.eu-south-1.amazonaws.com/templates.example.com/t.txt",
      "s3.eu-south-1.amazonaws.com", "/templates.example.com/t.txt")
check("upper-case bucket: path style", {}, "Legacy_Bucket", "a/b/../c",
      "https://s3.eu-south-1.amazonaws.com/Legacy_Bucket/a/b/../c",
      "s3.eu-south-1.amazonaws.com", "/Legacy_Bucket/a/b/../c")
check("AWS_ENDPOINT_URL: path style", {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000/"},
      "cloudcron-templates", KEY, f"http://127.0.0.1:5000/cloudcron-templates/{ENC}",
      "127.0.0.1:5000", f"/cloudcron-templates/{ENC}")
check("AWS_ENDPOINT_URL_S3 wins", {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
                                   "AWS_ENDPOINT_URL_S3": "https://s3.internal:8443/proxy/"},
      "b-1", "k", "https://s3.internal:8443/proxy/b-1/k", "s3.internal:8443", "/proxy/b-1/k")
check("session token", {"AWS_SESSION_TOKEN": "tok/en=="}, "cloudcron-templates", "t.txt",
      "https://cloudcron-templates.s3.eu-south-1.amazonaws.com/t.txt",
      "cloudcron-templates.s3.eu-south-1.amazonaws.com", "/t.txt", token="tok/en==")
cases[0] += 1
rc, _, err = run({}, ["bucket", "", DATE])
if rc == 0:
    fails.append("empty key accepted")
cases[0] += 1
xml = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The key '
       b'&lt;a&amp;b&gt; does not exist</Message><Key>a&amp;b</Key></Error>')
rc, out, err = run({}, ["error"], stdin=xml)
if out != "NoSuchKey\nThe key <a&b> does not exist\n":
    fails.append(f"error body: {out!r}")
for f in fails:
    print("FAIL", f)
print(f"{cases[0]} cases, {len(fails)} failures")
sys.exit(1 if fails else 0)
