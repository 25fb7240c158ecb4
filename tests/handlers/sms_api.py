#!/usr/bin/env python3
"""cloudcron-sms, the real binary, driven through a local Runtime API
(lambda_api.py). There is no Twilio on this machine: a loopback HTTPS
server stands in for it (twilio_standin.py, trusted through AWS_CA_BUNDLE)
and implements the documented contract of POST
/2010-04-01/Accounts/{AccountSid}/Messages.json: HTTP basic auth with the
account's SID and auth token, form-encoded To, From and Body, 201 with the
message's sid, 400/401 with a Twilio error object, 429 when rate limited.
The credentials come from moto_server: a Secrets Manager secret (by ARN)
or an SSM SecureString parameter (by name).

Checked: what reached the stand-in (one message per recipient, the body as
Jinja2 renders it), the sids in the log, the message's "to" used only when
CLOUDCRON_ALLOW_OVERRIDE is true and only E.164 numbers, a 429 retried, a
400 and a wrong token failing the record with Twilio's code and message in
an ERROR line, batchItemFailures, the credentials read once per container
and never logged, and init errors."""
import base64
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime"))
import lambda_api as la  # noqa: E402
import tlsserver  # noqa: E402
from twilio_standin import INVALID, RATE_LIMITED, SID, TOKEN, FakeTwilio, credentials  # noqa: E402
from lambda_api import batch, envelope, failures, render_oracle, response  # noqa: E402
from moto_util import Moto  # noqa: E402

BIN = os.path.join(os.environ["CC_BIN"], "cloudcron-sms")
STD = "arn:aws:sqs:us-east-1:123456789012:sms"
FIFO = "arn:aws:sqs:us-east-1:123456789012:sms.fifo"
FROM = "+15005550006"
report = la.Report()
fail = report.fail


def invoke(name, env, events):
    report.cases += 1
    with FakeTwilio.lock:
        FakeTwilio.sent, FakeTwilio.requests = [], []
    api, proc = la.run([BIN], la.base_env(**env), events)
    out = proc.stderr.decode(errors="replace") + proc.stdout.decode(errors="replace")
    if TOKEN in out or base64.b64encode(f"{SID}:{TOKEN}".encode()).decode() in out:
        fail(name, "the auth token appears in the handler's output")
    if proc.returncode != 0 and "init/error" not in api.posts:
        fail(name, f"exit {proc.returncode}; stderr {out[-2000:]}")
    return api, la.log_lines(proc.stderr), proc


TEMPLATE = "[{{ env|upper }}] {{ subject }} on {{ host }}"
CHANNEL = {"env": "prod", "host": "default-host"}
good1 = {"subject": "Disk 93%", "vars": {"host": "db-1 \u00e9 & <b>"}, "to": ["+15557654321"]}
good2 = {"subject": "Nightly report"}

with tempfile.TemporaryDirectory() as tmp, Moto() as moto:
    srv, twilio_url, cert = tlsserver.serve(FakeTwilio, tmp)
    creds = credentials()
    sm = moto.client("secretsmanager")
    arn = sm.create_secret(Name="cloudcron/twilio", SecretString=creds)["ARN"]
    moto.client("ssm").put_parameter(Name="/cloudcron/twilio", Value=creds, Type="SecureString")
    moto.client("ssm").put_parameter(Name="/cloudcron/not-json", Value="just " + TOKEN, Type="SecureString")
    moto.client("ssm").put_parameter(Name="/cloudcron/wrong-token", Type="SecureString",
                                     Value=json.dumps({"account_sid": SID, "auth_token": "wrong"}))
    base = {"AWS_ENDPOINT_URL": moto.url, "AWS_CA_BUNDLE": cert, "CLOUDCRON_TWILIO_URL": twilio_url,
            "CLOUDCRON_FROM": FROM, "CLOUDCRON_TEMPLATE": TEMPLATE, "CLOUDCRON_VARS": json.dumps(CHANNEL)}

    # 1. Secrets Manager by ARN; the channel's recipients (a message's "to"
    # is ignored without allow_override); one SMS per recipient; a malformed
    # record fails alone; the credentials are read once: the secret is
    # deleted at the first SMS, and the second invocation still sends
    name = "secretsmanager, channel recipients"
    FakeTwilio.on_send = lambda: sm.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    env = dict(base, CLOUDCRON_TWILIO_SECRET=arn, CLOUDCRON_RECIPIENTS="+15551234567, +15551112222",
               CLOUDCRON_ALLOW_OVERRIDE="false")
    api, logs, proc = invoke(name, env, [la.Event("r1", batch(STD, [json.dumps(good1), "{not json",
                                                                    envelope(json.dumps(good2))])),
                                         la.Event("r2", batch(STD, [json.dumps(good2)]))])
    if response(api, "r1") != failures(["m1"]) or response(api, "r2") != failures([]):
        fail(name, f"responses {response(api, 'r1')}, {response(api, 'r2')}; {proc.stderr.decode()[-1500:]}")
    want = [(to, FROM, render_oracle(TEMPLATE, "t", CHANNEL, m), None)
            for m in (good1, good2, good2) for to in ("+15551234567", "+15551112222")]
    got = [(to, frm, body, None) for to, frm, body, _ in FakeTwilio.sent]
    if got != want:
        fail(name, f"the stand-in got {got}, want {want}")
    sids = [l.get("twilio_sid") for l in logs if l.get("message") == "sent"]
    if sids != [s for *_, s in FakeTwilio.sent]:
        fail(name, f"logged sids {sids}, sent {FakeTwilio.sent}")
    if [l.get("message_id") for l in logs if l.get("level") == "ERROR"] != ["m1"]:
        fail(name, f"ERROR lines {[l for l in logs if l.get('level') == 'ERROR']}")

    # 2. SSM by name, allow_override: the message's "to" (E.164 only); a 429
    # is retried; a 400 fails the record with Twilio's code and message; a
    # message without "to" goes to the channel's recipients
    name = "ssm, override"
    env = dict(base, CLOUDCRON_TWILIO_SECRET="/cloudcron/twilio", CLOUDCRON_RECIPIENTS="+15551234567",
               CLOUDCRON_ALLOW_OVERRIDE="true")
    msgs = [dict(good2, to=[RATE_LIMITED]), dict(good2, to=[INVALID, "+15559990000"]),
            dict(good2, to=["5551234567"]), good1, good2]
    api, logs, proc = invoke(name, env, [la.Event("r1", batch(STD, [json.dumps(m) for m in msgs]))])
    if response(api, "r1") != failures(["m1", "m2"]):
        fail(name, f"response {response(api, 'r1')}")
    got = [to for to, *_ in FakeTwilio.sent]
    if got != [RATE_LIMITED, "+15559990000", "+15557654321", "+15551234567"]:
        fail(name, f"sent to {got}")
    if [(to, st) for to, st in FakeTwilio.requests if to == RATE_LIMITED] != [(RATE_LIMITED, 429), (RATE_LIMITED, 201)]:
        fail(name, f"requests {FakeTwilio.requests}: the 429 was not retried once")
    errs = [l for l in logs if l.get("level") == "ERROR"]
    if [e.get("message_id") for e in errs] != ["m1", "m2"]:
        fail(name, f"ERROR lines {errs}")
    else:
        e = errs[0]
        if e.get("twilio_code") != 21211 or e.get("to") != INVALID or \
                "HTTP 400, Twilio error 21211: The 'To' number +15550000400 is not a valid phone number." \
                not in e["message"] or "(1 attempt)" not in e["message"]:
            fail(name, f"ERROR line {e}")
        if "not E.164" not in errs[1]["message"]:
            fail(name, f"ERROR line {errs[1]}")

    # 3. FIFO: the record after a failed one is left for SQS, unsent
    name = "fifo"
    api, logs, proc = invoke(name, env, [la.Event("r1", batch(FIFO, [json.dumps(dict(good2, to=[INVALID])),
                                                                     json.dumps(good2)]))])
    if response(api, "r1") != failures(["m0", "m1"]) or FakeTwilio.sent:
        fail(name, f"response {response(api, 'r1')}, sent {FakeTwilio.sent}")

    # 4. a wrong auth token: Twilio's 401 fails every record, each with one ERROR line
    name = "wrong token"
    env = dict(base, CLOUDCRON_TWILIO_SECRET="/cloudcron/wrong-token", CLOUDCRON_RECIPIENTS="+15551234567")
    api, logs, proc = invoke(name, env, [la.Event("r1", batch(STD, [json.dumps(good2), json.dumps(good2)]))])
    errs = [l for l in logs if l.get("level") == "ERROR"]
    if response(api, "r1") != failures(["m0", "m1"]) or len(errs) != 2 or \
            not all("HTTP 401, Twilio error 20003: Authenticate" in e["message"] for e in errs):
        fail(name, f"response {response(api, 'r1')}, ERROR lines {errs}")

    # 5. init errors, none of which shows the secret's value
    init_cases = [
        ("secret missing", {"CLOUDCRON_TWILIO_SECRET": arn},  # deleted in case 1
         f"CLOUDCRON_TWILIO_SECRET {arn}: secretsmanager GetSecretValue: HTTP 404 ResourceNotFoundException"),
        ("parameter missing", {"CLOUDCRON_TWILIO_SECRET": "/cloudcron/nope"},
         "CLOUDCRON_TWILIO_SECRET /cloudcron/nope: ssm GetParameter: HTTP 400 ParameterNotFound"),
        ("secret not JSON", {"CLOUDCRON_TWILIO_SECRET": "/cloudcron/not-json"},
         "CLOUDCRON_TWILIO_SECRET /cloudcron/not-json: the secret is not a JSON object"),
        ("no secret", {}, "CLOUDCRON_TWILIO_SECRET must name the secret"),
        ("bad from", {"CLOUDCRON_FROM": "15005550006"}, "CLOUDCRON_FROM must be an E.164 number"),
        ("bad recipient", {"CLOUDCRON_RECIPIENTS": "+15551234567,+0123"},
         "CLOUDCRON_RECIPIENTS: \"+0123\" is not an E.164 number"),
        ("no recipients", {"CLOUDCRON_RECIPIENTS": "", "CLOUDCRON_ALLOW_OVERRIDE": "false"},
         "CLOUDCRON_RECIPIENTS is empty and CLOUDCRON_ALLOW_OVERRIDE is not true"),
        ("bad override", {"CLOUDCRON_ALLOW_OVERRIDE": "yes"}, "CLOUDCRON_ALLOW_OVERRIDE must be true or false"),
        ("http twilio", {"CLOUDCRON_TWILIO_URL": "http://127.0.0.1:9"}, "CLOUDCRON_TWILIO_URL must be an https:// URL"),
    ]
    for name, extra, want in init_cases:
        env = dict(base, CLOUDCRON_RECIPIENTS="+15551234567")
        env.update(extra)
        if "CLOUDCRON_TWILIO_SECRET" not in extra and name != "no secret":
            env["CLOUDCRON_TWILIO_SECRET"] = "/cloudcron/twilio"
        api, logs, proc = invoke(name, env, [la.Event("r1", batch(STD, [json.dumps(good2)]))])
        for problem in la.init_error_problems(api, proc, want):
            fail(name, problem)
    srv.shutdown()

report.finish()
