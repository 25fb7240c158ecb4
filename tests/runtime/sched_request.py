#!/usr/bin/env python3
"""The EventBridge Scheduler requests the runtime builds (CreateSchedule,
UpdateSchedule, GetSchedule, DeleteSchedule, ListSchedules), checked
against botocore: the method, path and query against its REST-JSON
serializer (the same parameters), the JSON body equal as JSON, and the
Authorization header against its SigV4 signer over the request as sent.
Also: the ClientToken is the same for the same request and differs when
any part differs; bad names are refused before anything is built."""
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

TOOL = os.path.join(os.environ["CC_BUILD"], "tests", "rt_sched_request")
DATE = "20261122T120000Z"
AK, SK, REGION = "AKIDEXAMPLE", "secret/key+1", "eu-south-1"
session = botocore.session.get_session()
model = session.get_service_model("scheduler")
fails = []
n = [0]


def run(args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": AK, "AWS_SECRET_ACCESS_KEY": SK, "AWS_REGION": REGION})
    env.update(env_extra or {})
    p = subprocess.run(shlex.split(os.environ.get("CC_WRAP", "")) + [TOOL, DATE] + args, env=env,
                       capture_output=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def check(name, args, op, params, token=None):
    n[0] += 1
    rc, out, err = run(args)
    if rc != 0:
        fails.append(f"{name}: exit {rc}: {err}")
        return
    url, rest = out.split("\n", 1)
    head, body = rest.split("\r\n\r\n", 1)
    lines = head.split("\r\n")
    method, target, _ = lines[0].split(" ")
    boto = serialize.create_serializer("rest-json").serialize_to_request(params, model.operation_model(op))
    path, _, query = target.partition("?")
    if method != boto["method"]:
        fails.append(f"{name}: method {method}, botocore {boto['method']}")
    if path != boto["url_path"]:
        fails.append(f"{name}: path {path}, botocore {boto['url_path']}")
    bq = sorted((k, str(v)) for k, v in boto["query_string"].items())
    if sorted(urllib.parse.parse_qsl(query)) != bq:
        fails.append(f"{name}: query {query}, botocore {bq}")
    bbody = boto["body"].decode() if isinstance(boto["body"], bytes) else boto["body"]
    if (json.loads(body) if body else {}) != (json.loads(bbody) if bbody else {}):
        fails.append(f"{name}: body {body}\n   botocore {bbody}")
    if url != f"https://scheduler.{REGION}.amazonaws.com{target}":
        fails.append(f"{name}: url {url}")
    headers = dict(l.split(": ", 1) for l in lines[1:-1])
    req = AWSRequest(method=method, url=url, data=body.encode(), headers=headers)
    req.context["timestamp"] = DATE
    auth = SigV4Auth(Credentials(AK, SK), "scheduler", REGION)
    sig = auth.signature(auth.string_to_sign(req, auth.canonical_request(req)), req)
    signed = auth.signed_headers(auth.headers_to_sign(req))
    want = (f"Authorization: AWS4-HMAC-SHA256 Credential={AK}/20261122/{REGION}/scheduler/"
            f"aws4_request, SignedHeaders={signed}, Signature={sig}")
    if lines[-1] != want:
        fails.append(f"{name}: {lines[-1]!r}\n   want {want!r}")


DEF = {"ScheduleExpression": "at(2026-12-01T09:00:00)", "ScheduleExpressionTimezone": "Europe/Rome",
       "State": "ENABLED", "ActionAfterCompletion": "DELETE", "Description": "remind é",
       "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
       "Target": {"Arn": "arn:aws:lambda:eu-south-1:123456789012:function:worker",
                  "RoleArn": "arn:aws:iam::123456789012:role/r", "Input": "{\"user\":\"u-1\"}",
                  "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
                  "DeadLetterConfig": {"Arn": "arn:aws:sqs:eu-south-1:123456789012:dlq"}}}
TOK = "a" * 64
check("create", ["create", "reminders", "remind-u-1", json.dumps(DEF), TOK], "CreateSchedule",
      dict(DEF, Name="remind-u-1", GroupName="reminders", ClientToken=TOK))
check("update", ["update", "reminders", "remind-u-1", json.dumps(DEF), TOK], "UpdateSchedule",
      dict(DEF, Name="remind-u-1", GroupName="reminders", ClientToken=TOK))
check("get", ["get", "reminders", "remind-u-1"], "GetSchedule", {"Name": "remind-u-1", "GroupName": "reminders"})
check("delete", ["delete", "reminders", "remind-u-1", TOK], "DeleteSchedule",
      {"Name": "remind-u-1", "GroupName": "reminders", "ClientToken": TOK})
check("delete without token", ["delete", "reminders", "r.1_x-y", "-"], "DeleteSchedule",
      {"Name": "r.1_x-y", "GroupName": "reminders"})
check("list first page", ["list", "queries", "pn-", "-", "100"], "ListSchedules",
      {"GroupName": "queries", "NamePrefix": "pn-", "MaxResults": 100})
check("list next page", ["list", "queries", "-", "tok/en+=", "0"], "ListSchedules",
      {"GroupName": "queries", "NextToken": "tok/en+="})

# the ClientToken: the same request, the same token; any change, another
n[0] += 1
base = run(["token", "g", "n", json.dumps(DEF)])[1]
same = run(["token", "g", "n", json.dumps(DEF, sort_keys=True, indent=1)])[1]
other = {run(["token", "g2", "n", json.dumps(DEF)])[1], run(["token", "g", "n2", json.dumps(DEF)])[1],
         run(["token", "g", "n", json.dumps(dict(DEF, State="DISABLED"))])[1]}
if len(base.strip()) != 64 or base != same or base in other or len(other) != 3:
    fails.append(f"client token: {base!r} {same!r} {other!r}")
# refused before anything is built
for args in (["get", "reminders", "bad name"], ["get", "bad/group", "n"], ["list", "g", "-", "-", "101"],
             ["get", "reminders", "x" * 65]):
    n[0] += 1
    rc, out, err = run(args)
    if rc != 1 or out:
        fails.append(f"refused {args}: exit {rc}, out {out!r}")
for f in fails:
    print("FAIL", f)
print(f"{n[0]} cases, {len(fails)} failures")
sys.exit(1 if fails else 0)
