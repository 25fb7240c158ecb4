#!/usr/bin/env python3
"""cloudcron-email, the real binary, driven through a local Runtime API
(lambda_api.py) against moto_server on loopback as SES v2. The sender
identity is verified in moto first; what moto recorded as sent (its
/moto-api/data.json: ses Message, with id, source, destinations, subject
and body) is compared with Jinja2's rendering of the same templates. Also:
partial batch failures (a malformed record, a render error in strict mode),
the default subject, a rejected send (an unverified sender: MessageRejected)
in batchItemFailures and one ERROR line per record, FIFO and standard, init
errors, and the image's bootstrap running the handler. moto names SES errors
in its body; real SES v2 names them in the x-amzn-ErrorType header, with a
body holding only a message: a small loopback server answering in that
shape (throttled once, then the refusal) checks that the handler reads the
code from the header and retries the throttling."""
import http.server
import json
import os
import sys
import threading
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime"))
import lambda_api as la  # noqa: E402
from lambda_api import batch, envelope, failures, render_oracle, response  # noqa: E402
from moto_util import Moto  # noqa: E402

BIN = os.path.join(os.environ["CC_BIN"], "cloudcron-email")
FIFO = "arn:aws:sqs:us-east-1:123456789012:email.fifo"
STD = "arn:aws:sqs:us-east-1:123456789012:email"
SENDER = "cron@example.com"
TO = ["alice@example.com", "bob@example.com"]
report = la.Report()
fail = report.fail


def sent(moto):
    """What moto's SES backend recorded as sent: {message id: message}."""
    with urllib.request.urlopen(moto.url + "/moto-api/data.json", timeout=10) as r:
        data = json.load(r)
    return {m["id"]: m for m in data.get("ses", {}).get("Message", [])}


def invoke(name, env, events, moto=None):
    """Runs the handler on events; returns (api, log lines, process)."""
    report.cases += 1
    extra = {"AWS_ENDPOINT_URL": moto.url} if moto else {}
    api, proc = la.run([BIN], la.base_env(**extra, **env), events)
    if proc.returncode != 0 and "init/error" not in api.posts:
        fail(name, f"exit {proc.returncode}; stderr {proc.stderr.decode()[-2000:]}")
    return api, la.log_lines(proc.stderr), proc


def lines(logs, level):
    return [l for l in logs if l.get("level") == level]


CHANNEL = {"env": "prod", "host": "default-host"}
HTML = ("<h1>{{ subject }}</h1><p>{{ host }} at {{ pct|default('?') }}%</p>"
        "<pre>{{ message.vars|default({})|tojson }}</pre>")
SUBJECT = "[{{ env|upper }}] {{ subject }} on {{ host }}"
good1 = {"subject": "Disk <usage> & 90%", "vars": {"host": "db-1", "pct": 93.4}}
good2 = {"subject": "Nightly report", "vars": {"env": "staging", "host": "db-2 \u00e9"}}
nohost = {"subject": "No host here"}

with Moto() as moto:
    moto.client("sesv2").create_email_identity(EmailIdentity=SENDER)

    # 1. HTML body and subject template; a malformed record and a strict
    # render error fail alone; what moto recorded is what Jinja2 renders
    name = "html, standard queue"
    env = {"CLOUDCRON_TEMPLATE": HTML, "CLOUDCRON_TEMPLATE_NAME": "alert.html",
           "CLOUDCRON_VARS": json.dumps({"env": "prod"}), "CLOUDCRON_STRICT": "1",
           "CLOUDCRON_SUBJECT": SUBJECT, "CLOUDCRON_SENDER": SENDER,
           "CLOUDCRON_RECIPIENTS": " alice@example.com,bob@example.com ",
           "CLOUDCRON_REPLY_TO": "ops@example.com", "CLOUDCRON_CONFIGURATION_SET": "cron-tracking"}
    bodies = [json.dumps(good1), "{not json", envelope(json.dumps(good2)), json.dumps(nohost)]
    api, logs, _ = invoke(name, env, [la.Event("r1", batch(STD, bodies))], moto)
    if response(api, "r1") != failures(["m1", "m3"]):
        fail(name, f"response {response(api, 'r1')}")
    errs = {l.get("message_id"): l["message"] for l in lines(logs, "ERROR")}
    if sorted(errs) != ["m1", "m3"] or "not JSON" not in errs["m1"] \
            or not errs["m3"].startswith("CLOUDCRON_SUBJECT:1:") or "host" not in errs["m3"]:
        fail(name, f"ERROR lines {errs}")
    ids = {l["message_id"]: l.get("ses_message_id") for l in lines(logs, "INFO") if l["message"] == "sent"}
    got = sent(moto)
    if sorted(ids) != ["m0", "m2"]:
        fail(name, f"sent lines for {sorted(ids)}: {logs}")
    for mid, msg in [("m0", good1), ("m2", good2)]:
        m = got.get(ids.get(mid))
        want = {"source": SENDER, "destinations": {"ToAddresses": TO},
                "subject": render_oracle(SUBJECT, "CLOUDCRON_SUBJECT", {"env": "prod"}, msg,
                                         strict=True, autoescape=False),
                "body": render_oracle(HTML, "alert.html", {"env": "prod"}, msg, strict=True)}
        have = m and {k: m.get(k) for k in want}
        if have != want:
            fail(name, f"moto recorded {have} for {mid}, want {want}")
    if "&lt;usage&gt;" not in (got.get(ids.get("m0")) or {}).get("body", ""):
        fail(name, "the HTML body is not autoescaped")
    if len(got) != 2:
        fail(name, f"moto recorded {len(got)} messages, want 2")

    # 2. a text template, the default subject (the message's), one line
    name = "text, default subject"
    one = {"subject": "Backup done", "vars": {"note": "a\nb <ok>"}}
    env = {"CLOUDCRON_TEMPLATE": "{{ subject }}: {{ note }}", "CLOUDCRON_SENDER": SENDER,
           "CLOUDCRON_RECIPIENTS": "alice@example.com"}
    before = set(sent(moto))
    api, logs, _ = invoke(name, env, [la.Event("r1", batch(FIFO, [json.dumps(one)]))], moto)
    new = [m for k, m in sent(moto).items() if k not in before]
    if response(api, "r1") != failures([]) or len(new) != 1:
        fail(name, f"response {response(api, 'r1')}, {len(new)} sent; logs {logs}")
    elif (new[0]["subject"], new[0]["body"], new[0]["destinations"]) != \
            ("Backup done", "Backup done: a\nb <ok>", {"ToAddresses": ["alice@example.com"]}):
        fail(name, f"moto recorded {new[0]}")
    line = [l for l in lines(logs, "INFO") if l.get("message") == "sent"]
    if len(line) != 1 or line[0].get("ses_message_id") != (new and new[0]["id"]) \
            or line[0].get("recipients") != 1:
        fail(name, f"sent line {line}")

    # a subject that renders to several lines is refused: nothing sent
    name = "subject with line breaks"
    env = dict(env, CLOUDCRON_SUBJECT="{{ subject }}\n{{ note }}\r\nend")
    before = set(sent(moto))
    api, logs, _ = invoke(name, env, [la.Event("r1", batch(STD, [json.dumps(one)]))], moto)
    new = [m for k, m in sent(moto).items() if k not in before]
    if response(api, "r1") != failures(["m0"]) or new or \
            not any("line break" in l["message"] for l in lines(logs, "ERROR")):
        fail(name, f"response {response(api, 'r1')}, sent {new}, logs {logs}")

    # 3. an unverified sender: SES (moto) rejects every send; each record
    # fails with one ERROR line, nothing is sent
    for arn, label in [(STD, "standard"), (FIFO, "fifo")]:
        name = f"rejected, {label}"
        env = {"CLOUDCRON_TEMPLATE": "{{ subject }}", "CLOUDCRON_SENDER": "nobody@unverified.example",
               "CLOUDCRON_RECIPIENTS": "alice@example.com"}
        before = set(sent(moto))
        api, logs, _ = invoke(name, env, [la.Event("r1", batch(arn, [json.dumps(good1), json.dumps(good2),
                                                                  json.dumps(nohost)]))], moto)
        if response(api, "r1") != failures(["m0", "m1", "m2"]):
            fail(name, f"response {response(api, 'r1')}")
        errs = lines(logs, "ERROR")
        want_ids = ["m0", "m1", "m2"] if arn == STD else ["m0"]
        if [e.get("message_id") for e in errs] != want_ids:
            fail(name, f"ERROR lines {errs}, want one each for {want_ids}")
        for e in errs:
            if not e["message"].startswith("ses SendEmail: HTTP 400 MessageRejected: ") \
                    or "nobody@unverified.example" not in e["message"] or "(1 attempt)" not in e["message"]:
                fail(name, f"ERROR line {e['message']!r}")
        warns = lines(logs, "WARN")
        if (arn == FIFO) != any("2 record(s) after the failed one" in w["message"] for w in warns):
            fail(name, f"WARN lines {warns}")
        if set(sent(moto)) != before:
            fail(name, "moto recorded a message from an unverified sender")

    # 4. the image's bootstrap runs this handler for _HANDLER=email
    name = "bootstrap _HANDLER=email"
    report.cases += 1
    before = set(sent(moto))
    api, proc = la.run([os.path.join(os.environ["CC_BIN"], "cloudcron-bootstrap")],
                       la.base_env(_HANDLER="email", CLOUDCRON_HANDLER_DIR=os.environ["CC_BIN"],
                                   AWS_ENDPOINT_URL=moto.url, CLOUDCRON_TEMPLATE="{{ subject }}!",
                                   CLOUDCRON_SENDER=SENDER, CLOUDCRON_RECIPIENTS=TO[0]),
                       [la.Event("r1", batch(STD, [json.dumps(nohost)]))])
    if response(api, "r1") != failures([]) or len(set(sent(moto)) - before) != 1:
        fail(name, f"response {response(api, 'r1')}; stderr {proc.stderr.decode()[-1500:]}")

# 4b. SES's own error shape: the code in x-amzn-ErrorType, a body with a
# message only; TooManyRequestsException is retried, MessageRejected is not
class SesShape(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []

    def log_message(self, *a):
        pass

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        SesShape.seen.append((self.path, self.headers.get("Authorization", "")[:16], req["FromEmailAddress"]))
        if len(SesShape.seen) == 1:
            status, etype, body = 429, "TooManyRequestsException:", {"message": "Maximum sending rate exceeded."}
        else:
            status, etype = 400, "MessageRejected:http://internal.amazon.com/coral/com.amazonaws.sesv2/"
            body = {"message": "Email address is not verified. The following identities failed the check "
                               f"in region US-EAST-1: {req['FromEmailAddress']}"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("x-amzn-ErrorType", etype)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


name = "SES error shape"
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SesShape)
threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
api, logs, _ = invoke(name, {"CLOUDCRON_TEMPLATE": "x", "CLOUDCRON_SENDER": SENDER, "CLOUDCRON_RECIPIENTS": TO[0],
                             "AWS_ENDPOINT_URL_SESV2": f"http://127.0.0.1:{srv.server_address[1]}",
                             "AWS_ENDPOINT_URL": "http://127.0.0.1:9"},
                      [la.Event("r1", batch(STD, [json.dumps(good1)]))])
srv.shutdown()
srv.server_close()
errs = [l["message"] for l in lines(logs, "ERROR")]
if response(api, "r1") != failures(["m0"]) or errs != [
        "ses SendEmail: HTTP 400 MessageRejected: Email address is not verified. The following identities "
        f"failed the check in region US-EAST-1: {SENDER} (2 attempts)"]:
    fail(name, f"response {response(api, 'r1')}, ERROR lines {errs}")
if [p for p, *_ in SesShape.seen] != ["/v2/email/outbound-emails"] * 2 or \
        any(a != "AWS4-HMAC-SHA256" for _, a, _ in SesShape.seen):
    fail(name, f"requests {SesShape.seen}")

# 5. init errors: posted to .../init/error, nothing asked, exit status 1
base = {"CLOUDCRON_TEMPLATE": "x", "CLOUDCRON_SENDER": SENDER, "CLOUDCRON_RECIPIENTS": TO[0]}
init_cases = [
    ("no sender", {"CLOUDCRON_SENDER": ""}, "CLOUDCRON_SENDER must be an e-mail address"),
    ("bad sender", {"CLOUDCRON_SENDER": "cron"},
     "CLOUDCRON_SENDER must be an e-mail address or Name <address>, not \"cron\""),
    ("no recipients", {"CLOUDCRON_RECIPIENTS": ""}, "CLOUDCRON_RECIPIENTS must list 1 to 50"),
    ("bad recipient", {"CLOUDCRON_RECIPIENTS": "alice@example.com,,bob@example.com"},
     "CLOUDCRON_RECIPIENTS: \"\" is not an e-mail address"),
    ("51 recipients", {"CLOUDCRON_RECIPIENTS": ",".join(f"r{i}@example.com" for i in range(51))},
     "CLOUDCRON_RECIPIENTS must list 1 to 50 e-mail addresses, not 51"),
    ("bad reply-to", {"CLOUDCRON_REPLY_TO": "ops at example.com"},
     "CLOUDCRON_REPLY_TO: \"ops at example.com\" is not an e-mail address"),
    ("subject syntax", {"CLOUDCRON_SUBJECT": "{{ subject"}, "CLOUDCRON_SUBJECT:1:"),
    ("body syntax", {"CLOUDCRON_TEMPLATE": "{% if %}", "CLOUDCRON_TEMPLATE_NAME": "alert.html"}, "alert.html:1:"),
    ("no region", {"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_CONFIG_FILE": "/nonexistent/config"},
     "AWS configuration: no AWS region: set AWS_REGION or AWS_DEFAULT_REGION, or region in profile "
     "\"default\" of /nonexistent/config"),
]
for name, env, want in init_cases:
    api, logs, proc = invoke(name, dict(base, **env), [la.Event("r1", batch(STD, [json.dumps(good1)]))])
    for problem in la.init_error_problems(api, proc, want):
        fail(name, problem)

report.finish()
