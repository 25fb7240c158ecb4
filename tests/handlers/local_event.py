#!/usr/bin/env python3
"""--event FILE|- and --help on every channel handler, the real binaries,
without a Runtime API: one invocation on the event, the response JSON on
stdout and nothing else there, the log lines on stderr; exit 0 when the
handler returned (with or without batchItemFailures), 1 when the invocation
or the init failed (and nothing posted anywhere), 2 for a usage error.
cloudcron-print renders with Jinja2 as the oracle; cloudcron-email sends
through moto_server's SES v2 (read back from /moto-api/data.json);
cloudcron-sms through the loopback Twilio stand-in, its secret in
moto_server's Secrets Manager."""
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime"))
import lambda_api as la  # noqa: E402
import tlsserver  # noqa: E402
from lambda_api import batch, failures, render_oracle  # noqa: E402
from moto_util import Moto  # noqa: E402
from twilio_standin import FakeTwilio, credentials  # noqa: E402

BIN = os.environ["CC_BIN"]
STD = "arn:aws:sqs:us-east-1:123456789012:local"
report = la.Report()
fail = report.fail
good = {"subject": "Disk <full>", "vars": {"host": "db-1"}}


def local(name, handler, env, args, stdin=None):
    """Runs BIN/handler args without AWS_LAMBDA_RUNTIME_API; returns
    (exit status, stdout text, log lines, stderr text)."""
    report.cases += 1
    env = la.base_env(**env)
    env.pop("AWS_LAMBDA_RUNTIME_API", None)
    p = subprocess.run(la.wrap() + [os.path.join(BIN, handler)] + args, env=env, input=stdin,
                       capture_output=True, timeout=120)
    err = p.stderr.decode(errors="replace")
    return p.returncode, p.stdout.decode(errors="replace"), la.log_lines(p.stderr), err


def expect(name, got, want_rc, want_out=None):
    rc, out, _, err = got
    if rc != want_rc:
        fail(name, f"exit {rc}, want {want_rc}; stderr {err[-1500:]}")
    if want_out is not None:
        try:
            parsed = json.loads(out)
        except ValueError:
            fail(name, f"stdout is not one JSON document: {out!r}")
            return
        if parsed != want_out or out.count("\n") != 1:
            fail(name, f"stdout {out!r}, want {json.dumps(want_out)} and one line")


with tempfile.TemporaryDirectory() as tmp:
    ev_path = os.path.join(tmp, "event.json")
    bodies = [json.dumps(good), "{not json", json.dumps({"subject": "Second"})]
    with open(ev_path, "w") as f:
        f.write(batch(STD, bodies))

    # --help: usage, the handler's own variables and the shared ones; exit 0
    own = {"cloudcron-print": [], "cloudcron-email": ["CLOUDCRON_SENDER", "CLOUDCRON_RECIPIENTS",
                                                      "CLOUDCRON_REPLY_TO", "CLOUDCRON_SUBJECT",
                                                      "AWS_ENDPOINT_URL_SESV2", "CLOUDCRON_IDEMPOTENCY_TABLE",
                                                      "CLOUDCRON_TEXT_TEMPLATE"],
           "cloudcron-sms": ["CLOUDCRON_FROM", "CLOUDCRON_RECIPIENTS", "CLOUDCRON_ALLOW_OVERRIDE",
                             "CLOUDCRON_TWILIO_SECRET", "CLOUDCRON_TWILIO_URL", "CLOUDCRON_IDEMPOTENCY_TABLE",
                             "CLOUDCRON_SEND_TIMEOUT_MS"]}
    shared = ["CLOUDCRON_TEMPLATE", "CLOUDCRON_TEMPLATE_URL", "CLOUDCRON_VARS", "CLOUDCRON_STRICT",
              "CLOUDCRON_DEADLINE_MARGIN_MS", "--event FILE|-"]
    for h, names in own.items():
        rc, out, _, err = local(f"{h} --help", h, {}, ["--help"])
        missing = [n for n in names + shared if n not in out]
        if rc != 0 or missing or err:
            fail(f"{h} --help", f"exit {rc}, missing {missing}, stderr {err!r}")
        # usage errors: an unknown argument, no Runtime API and no --event
        for args, want in [(["--bogus"], "unknown argument"), ([], "AWS_LAMBDA_RUNTIME_API is not set"),
                           (["--event", ev_path, "--timeout", "0"], "--timeout takes")]:
            rc, out, _, err = local(f"{h} {args}", h, {"CLOUDCRON_TEMPLATE": "x"}, args)
            if rc != 2 or want not in err or out:
                fail(f"{h} {args}", f"exit {rc}, stdout {out!r}, stderr {err!r}")

    # print: from a file and from stdin; the failed record in the response
    env = {"CLOUDCRON_TEMPLATE": "[{{ subject }}] {{ host|default('-') }}", "CLOUDCRON_TEMPLATE_NAME": "t.html"}
    for name, args, stdin in [("print --event FILE", ["--event", ev_path], None),
                              ("print --event -", ["--event", "-"], batch(STD, bodies).encode())]:
        got = local(name, "cloudcron-print", env, args, stdin)
        expect(name, got, 0, failures(["m1"]))
        texts = {l["message_id"]: l["text"] for l in got[2] if l.get("message") == "rendered"}
        want = {"m0": render_oracle(env["CLOUDCRON_TEMPLATE"], "t.html", {}, good),
                "m2": render_oracle(env["CLOUDCRON_TEMPLATE"], "t.html", {}, {"subject": "Second"})}
        if texts != want:
            fail(name, f"rendered {texts}, want {want}")
        if any(l.get("request_id") != "local" for l in got[2]):
            fail(name, f"log lines without request_id local: {got[2]}")

    # the invocation fails: an event that is not an SQS batch -> exit 1, no stdout
    got = local("print, not SQS", "cloudcron-print", env, ["--event", "-"], b'{"source":"aws.events"}')
    expect("print, not SQS", got, 1)
    if got[1] or not any(l.get("error_type") == "Handler.UnsupportedEvent" for l in got[2]):
        fail("print, not SQS", f"stdout {got[1]!r}, logs {got[2]}")
    # not JSON, a missing file: exit 1 with the reason
    for name, args, stdin, want in [("print, event not JSON", ["--event", "-"], b"{", "not a JSON object"),
                                    ("print, no such file", ["--event", os.path.join(tmp, "nope.json")],
                                     None, "cannot read the event")]:
        rc, out, _, err = local(name, "cloudcron-print", env, args, stdin)
        if rc != 1 or out or want not in err:
            fail(name, f"exit {rc}, stdout {out!r}, stderr {err!r}")
    # an init failure: exit 1, the reason logged, nothing on stdout
    rc, out, logs, err = local("print, init error", "cloudcron-print", {"CLOUDCRON_TEMPLATE": "{% if %}"},
                               ["--event", ev_path])
    if rc != 1 or out or not any("CLOUDCRON_TEMPLATE:1:" in l.get("message", "") for l in logs):
        fail("print, init error", f"exit {rc}, stdout {out!r}, stderr {err!r}")

    # email through moto's SES v2; sms through the Twilio stand-in, its
    # secret in moto's Secrets Manager
    srv, twilio_url, cert = tlsserver.serve(FakeTwilio, tmp)
    with Moto() as moto:
        moto.client("sesv2").create_email_identity(EmailIdentity="cron@example.com")
        arn = moto.client("secretsmanager").create_secret(Name="tw", SecretString=credentials())["ARN"]
        env = {"AWS_ENDPOINT_URL": moto.url, "CLOUDCRON_TEMPLATE": "{{ subject }} on {{ host|default('-') }}",
               "CLOUDCRON_SENDER": "cron@example.com", "CLOUDCRON_RECIPIENTS": "alice@example.com"}
        got = local("email --event", "cloudcron-email", env, ["--event", ev_path])
        expect("email --event", got, 0, failures(["m1"]))
        with urllib.request.urlopen(moto.url + "/moto-api/data.json", timeout=10) as r:
            sent = sorted(m["body"] for m in json.load(r).get("ses", {}).get("Message", []))
        want = sorted(render_oracle(env["CLOUDCRON_TEMPLATE"], "t", {}, m) for m in (good, {"subject": "Second"}))
        if sent != want:
            fail("email --event", f"SES recorded {sent}, want {want}")

        env = {"AWS_ENDPOINT_URL": moto.url, "AWS_CA_BUNDLE": cert, "CLOUDCRON_TWILIO_URL": twilio_url,
               "CLOUDCRON_TWILIO_SECRET": arn, "CLOUDCRON_FROM": "+15005550006",
               "CLOUDCRON_RECIPIENTS": "+15551234567,+15557654321", "CLOUDCRON_TEMPLATE": "{{ subject }}"}
        FakeTwilio.sent = []
        got = local("sms --event", "cloudcron-sms", env, ["--event", "-"], batch(STD, bodies).encode())
        expect("sms --event", got, 0, failures(["m1"]))
        have = sorted((to, body) for to, _, body, _ in FakeTwilio.sent)
        want = sorted((to, s) for s in ("Disk <full>", "Second") for to in ("+15551234567", "+15557654321"))
        if have != want:
            fail("sms --event", f"the stand-in got {have}, want {want}")
        # an init failure needs no Runtime API either: a secret that is not there
        rc, out, logs, err = local("sms, init error", "cloudcron-sms",
                                   dict(env, CLOUDCRON_TWILIO_SECRET="/nope"), ["--event", ev_path])
        if rc != 1 or out or not any("ParameterNotFound" in l.get("message", "") for l in logs):
            fail("sms, init error", f"exit {rc}, stdout {out!r}, stderr {err!r}")
    srv.shutdown()

report.finish("runs")
