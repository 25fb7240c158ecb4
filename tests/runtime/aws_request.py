#!/usr/bin/env python3
"""The AWS requests the runtime builds (SNS Publish, Secrets Manager
GetSecretValue, SSM GetParameter, DynamoDB GetItem/PutItem/UpdateItem for
the idempotency records), checked three ways: the exact bytes
(request line, headers in order, body); the body against what botocore's
own serializer makes of the same parameters (the same fields in the same
order, the same values; JSON bodies equal as JSON); and the Authorization
header against botocore's SigV4 signer over the request as sent. Also the
endpoint variables (AWS_ENDPOINT_URL_<SERVICE> over AWS_ENDPOINT_URL), the
session token, and requests refused before anything is sent."""
import json
import os
import shlex
import subprocess
import sys
import urllib.parse

import botocore.session
from botocore import serialize
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TOOL = os.path.join(os.environ["CC_BUILD"], "tests", "rt_aws_request")
DATE = "20261122T120000Z"
AK, SK, REGION = "AKIDEXAMPLE", "secret/key+1", "eu-south-1"
TOPIC = "arn:aws:sns:eu-south-1:123456789012:alerts.fifo"
MSG = '{"subject":"Disk 90%","vars":{"host":"db-1 é","note":"a&b=c+d~"}}'
SECRET = "arn:aws:secretsmanager:eu-south-1:123456789012:secret:twilio-AbCdEf"
session = botocore.session.get_session()
fails = []
ncases = [0]


def run(env_extra, args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": AK, "AWS_SECRET_ACCESS_KEY": SK, "AWS_REGION": REGION})
    env.update(env_extra)
    cmd = shlex.split(os.environ.get("CC_WRAP", "")) + [TOOL, DATE] + args
    p = subprocess.run(cmd, env=env, capture_output=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def botocore_request(service, op, params):
    model = session.get_service_model(service)
    ser = serialize.create_serializer(model.metadata["protocol"])
    return ser.serialize_to_request(params, model.operation_model(op))


def check(name, env_extra, args, service, signing, op, params, want_url, want_host, token=None, path="/"):
    ncases[0] += 1
    rc, out, err = run(env_extra, args)
    if rc != 0:
        fails.append(f"{name}: exit {rc}: {err}")
        return
    url, rest = out.split("\n", 1)
    head, body = rest.split("\r\n\r\n", 1)
    lines = head.split("\r\n")
    boto = botocore_request(service, op, params)
    bh = boto["headers"]
    want = [f"POST {path} HTTP/1.1", f"Content-Type: {bh['Content-Type']}",
            f"Content-Length: {len(body.encode())}", f"Host: {want_host}", f"X-Amz-Date: {DATE}"]
    if token:
        want.append(f"X-Amz-Security-Token: {token}")
    if "X-Amz-Target" in bh:
        want.append(f"X-Amz-Target: {bh['X-Amz-Target']}")
    if url != want_url:
        fails.append(f"{name}: url {url!r}, want {want_url!r}")
    if lines[:-1] != want:
        fails.append(f"{name}: head {lines[:-1]!r}\n   want {want!r}")
    if isinstance(boto["body"], dict):  # query protocol: the same fields in the same order
        pairs = urllib.parse.parse_qsl(body, keep_blank_values=True, strict_parsing=True)
        if pairs != list(boto["body"].items()):
            fails.append(f"{name}: form fields {pairs}\n   botocore {list(boto['body'].items())}")
        exact = "&".join(f"{k}={urllib.parse.quote(v, safe='-_.~')}" for k, v in boto["body"].items())
        if body != exact:
            fails.append(f"{name}: body {body!r}\n   want {exact!r}")
    else:  # JSON 1.1: equal as JSON, compact and sorted
        if json.loads(body) != json.loads(boto["body"]):
            fails.append(f"{name}: body {body!r}, botocore {boto['body']!r}")
        if body != json.dumps(params, separators=(",", ":"), sort_keys=True, ensure_ascii=False):
            fails.append(f"{name}: body {body!r} is not compact sorted JSON")
    headers = dict(l.split(": ", 1) for l in lines[1:-1])
    req = AWSRequest(method="POST", url=url, data=body.encode(), headers=headers)
    req.context["timestamp"] = DATE
    auth = SigV4Auth(Credentials(AK, SK, token), signing, REGION)
    cr = auth.canonical_request(req)
    sig = auth.signature(auth.string_to_sign(req, cr), req)
    signed = auth.signed_headers(auth.headers_to_sign(req))
    want_auth = (f"Authorization: AWS4-HMAC-SHA256 Credential={AK}/20261122/{REGION}/{signing}/"
                 f"aws4_request, SignedHeaders={signed}, Signature={sig}")
    if lines[-1] != want_auth:
        fails.append(f"{name}: {lines[-1]!r}\n   want {want_auth!r}")
    if os.environ.get("SHOW"):
        print(name, lines[-1])


def refused(name, env_extra, args, want):
    ncases[0] += 1
    rc, out, err = run(env_extra, args)
    if rc != 1 or out or want not in err:
        fails.append(f"{name}: exit {rc}, out {out!r}, err {err!r}, want {want!r}")


SNS_DEF = "https://sns.eu-south-1.amazonaws.com/"
ATTRS = ["severity", "String", "critical & high", "pct", "Number", "93.4"]
fifo_params = {"TopicArn": TOPIC, "Message": MSG, "Subject": "Disk 90%",
               "MessageAttributes": {"severity": {"DataType": "String", "StringValue": "critical & high"},
                                     "pct": {"DataType": "Number", "StringValue": "93.4"}},
               "MessageDeduplicationId": "db-1-2026-11-22", "MessageGroupId": "nightly-report"}
check("publish: FIFO, subject, attributes", {},
      ["publish", TOPIC, MSG, "Disk 90%", "nightly-report", "db-1-2026-11-22"] + ATTRS,
      "sns", "sns", "Publish", fifo_params, SNS_DEF, "sns.eu-south-1.amazonaws.com")
plain = {"TopicArn": TOPIC, "Message": MSG}
check("publish: AWS_ENDPOINT_URL", {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000/"},
      ["publish", TOPIC, MSG, "-", "-", "-"], "sns", "sns", "Publish", plain,
      "http://127.0.0.1:5000/", "127.0.0.1:5000")
check("publish: AWS_ENDPOINT_URL_SNS wins", {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
                                             "AWS_ENDPOINT_URL_SNS": "http://localhost:4566"},
      ["publish", TOPIC, MSG, "-", "-", "-"], "sns", "sns", "Publish", plain,
      "http://localhost:4566/", "localhost:4566")
check("publish: session token", {"AWS_SESSION_TOKEN": "tok/en=="}, ["publish", TOPIC, MSG, "-", "-", "-"],
      "sns", "sns", "Publish", plain, SNS_DEF, "sns.eu-south-1.amazonaws.com", token="tok/en==")
check("secret: by ARN", {}, ["secret", SECRET], "secretsmanager", "secretsmanager", "GetSecretValue",
      {"SecretId": SECRET}, "https://secretsmanager.eu-south-1.amazonaws.com/",
      "secretsmanager.eu-south-1.amazonaws.com")
check("secret: by name, AWS_ENDPOINT_URL_SECRETS_MANAGER, token",
      {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:6000",
       "AWS_SESSION_TOKEN": "T0K"},
      ["secret", "twilio/é"], "secretsmanager", "secretsmanager", "GetSecretValue", {"SecretId": "twilio/é"},
      "http://127.0.0.1:6000/", "127.0.0.1:6000", token="T0K")
check("parameter", {}, ["parameter", "/cloudcron/twilio/token"], "ssm", "ssm", "GetParameter",
      {"Name": "/cloudcron/twilio/token", "WithDecryption": True}, "https://ssm.eu-south-1.amazonaws.com/",
      "ssm.eu-south-1.amazonaws.com")
check("parameter: AWS_ENDPOINT_URL_SSM", {"AWS_ENDPOINT_URL_SSM": "http://[::1]:7000/"},
      ["parameter", "token"], "ssm", "ssm", "GetParameter", {"Name": "token", "WithDecryption": True},
      "http://[::1]:7000/", "[::1]:7000")
check("parameter: AWS_ENDPOINT_URL (another service's variable ignored)",
      {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_SNS": "http://127.0.0.1:9"},
      ["parameter", "token"], "ssm", "ssm", "GetParameter", {"Name": "token", "WithDecryption": True},
      "http://127.0.0.1:5000/", "127.0.0.1:5000")

check("parameter: an endpoint with a path", {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000/aws/proxy/"},
      ["parameter", "token"], "ssm", "ssm", "GetParameter", {"Name": "token", "WithDecryption": True},
      "http://127.0.0.1:5000/aws/proxy/", "127.0.0.1:5000", path="/aws/proxy/")

refused("missing region", {"AWS_REGION": ""}, ["publish", TOPIC, MSG, "-", "-", "-"], "AWS_REGION")
refused("11 attributes", {}, ["publish", TOPIC, MSG, "-", "-", "-"] + ["a", "String", "v"] * 11,
        "at most 10 message attributes")
refused("attribute type", {}, ["publish", TOPIC, MSG, "-", "-", "-", "a", "Binary", "v"],
        "String, Number or String.Array")
refused("Number attribute", {}, ["publish", TOPIC, MSG, "-", "-", "-", "a", "Number", "12abc"],
        "is not a number")
# DynamoDB (JSON 1.0): the idempotency records' three operations, as idem.c writes them
PUT = {"ConditionExpression": "attribute_not_exists(id) OR #s = :failed",
       "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":failed": {"S": "FAILED"}},
       "Item": {"expires_at": {"N": "1765000000"}, "id": {"S": "soak-sms#q00001#+15551230001"},
                "status": {"S": "INPROGRESS"}}, "TableName": "cloudcron-idempotency"}
GET = {"ConsistentRead": True, "Key": {"id": {"S": "email#dedup-é#all"}}, "TableName": "cloudcron-idempotency"}
UPD = {"ExpressionAttributeNames": {"#r": "result", "#s": "status"},
       "ExpressionAttributeValues": {":r": {"S": "SM0123"}, ":st": {"S": "COMPLETED"}},
       "Key": {"id": {"S": "x"}}, "TableName": "t", "UpdateExpression": "SET #s = :st, #r = :r"}
for op, params in [("PutItem", PUT), ("GetItem", GET), ("UpdateItem", UPD)]:
    check(f"dynamodb {op}", {}, ["ddb", op, json.dumps(params, separators=(",", ":"), sort_keys=True,
                                                      ensure_ascii=False)],
          "dynamodb", "dynamodb", op, params, "https://dynamodb.eu-south-1.amazonaws.com/",
          "dynamodb.eu-south-1.amazonaws.com")
check("dynamodb: AWS_ENDPOINT_URL_DYNAMODB", {"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000",
                                              "AWS_ENDPOINT_URL": "http://127.0.0.1:9"},
      ["ddb", "GetItem", json.dumps(GET, separators=(",", ":"), sort_keys=True, ensure_ascii=False)],
      "dynamodb", "dynamodb", "GetItem", GET, "http://127.0.0.1:8000/", "127.0.0.1:8000")
refused("dynamodb: an operation the runtime does not make", {}, ["ddb", "DeleteItem", "{}"], "invalid input")
refused("empty secret id", {}, ["secret", ""], "invalid input")
refused("bad endpoint", {"AWS_ENDPOINT_URL_SSM": "localhost:5000"}, ["parameter", "p"], "invalid input")
refused("endpoint with a query", {"AWS_ENDPOINT_URL_SSM": "http://h?x=1"}, ["parameter", "p"], "invalid input")
for f in fails:
    print("FAIL", f)
print(f"{ncases[0]} cases, {len(fails)} failures")
sys.exit(1 if fails else 0)
