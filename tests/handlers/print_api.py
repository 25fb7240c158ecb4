#!/usr/bin/env python3
"""cloudcron-print, the real binary, driven through a local Runtime API
(lambda_api.py) with SQS events: raw and SNS-envelope bodies, the channel's
vars overlaid by the message's, autoescape by the template's name, strict
mode, exact batchItemFailures for FIFO and standard queues, a record without
messageId, the deadline, and init errors. Expected texts come from Python's
Jinja2 rendering the same template with the same context."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lambda_api as la  # noqa: E402
from lambda_api import batch, envelope, render_oracle  # noqa: E402

BIN = os.path.join(os.environ["CC_BIN"], "cloudcron-print")
FIFO = "arn:aws:sqs:us-east-1:123456789012:print.fifo"
STD = "arn:aws:sqs:us-east-1:123456789012:print"
report = la.Report()
fail = report.fail


def invoke(name, env, events):
    report.cases += 1
    api, proc = la.run([BIN], la.base_env(**env), events)
    logs = la.log_lines(proc.stderr)
    return api, proc, logs


def expect_response(name, api, rid, want):
    got = api.posts.get(f"{rid}/response")
    if got is None:
        fail(name, f"no response for {rid}; posts {sorted(api.posts)}")
    elif got[0] != want:
        fail(name, f"response {got[0]}, want {want}")


def expect_clean_exit(name, proc):
    if proc.returncode != 0:
        fail(name, f"exit {proc.returncode}; stderr {proc.stderr.decode()[-2000:]}")


def texts(logs, rid):
    return {l["message_id"]: l["text"] for l in logs
            if l.get("level") == "INFO" and l.get("request_id") == rid and "text" in l}


def errors(logs, rid):
    return {l.get("message_id"): l["message"] for l in logs
            if l.get("level") == "ERROR" and l.get("request_id") == rid}


# 1. raw and envelope bodies, vars overlay, malformed records; FIFO and standard
TPL = "[{{ env }}] {{ subject }} on {{ host }}: {{ pct }}% {{ message.vars|default({})|tojson }} {{ message.dedup_id|default('-') }}"
CHANNEL = {"env": "prod", "host": "default-host", "pct": 0}
good1 = {"subject": "Disk usage above 90%", "vars": {"host": "db-1", "pct": 93.4},
         "dedup_id": "db-1-2026-11-22"}
good2 = {"subject": "Nightly report", "vars": {"env": "staging"}}
good3 = {"subject": "Only a subject"}
bodies = [json.dumps(good1), envelope(json.dumps(good2)), "{not json",
          json.dumps(good3), json.dumps({"subject": "x", "var": {}}),  # misspelt key
          envelope("not json either"), envelope(json.dumps(good1))]
msgs = {"m0": good1, "m1": good2, "m3": good3, "m6": good1}
bad = ["m2", "m4", "m5"]
for arn, label, want_ids in [(FIFO, "fifo", ["m2", "m3", "m4", "m5", "m6"]),
                             (STD, "standard", bad)]:
    name = f"batch {label}"
    api, proc, logs = invoke(name, {"CLOUDCRON_TEMPLATE": TPL, "CLOUDCRON_VARS": json.dumps(CHANNEL)},
                             [la.Event("r1", batch(arn, bodies))])
    expect_clean_exit(name, proc)
    expect_response(name, api, "r1", {"batchItemFailures": [{"itemIdentifier": i} for i in want_ids]})
    got = texts(logs, "r1")
    # FIFO: the records after the first failure are left unprocessed
    handled = ["m0", "m1"] if arn == FIFO else list(msgs)
    want = {mid: render_oracle(TPL, "CLOUDCRON_TEMPLATE", CHANNEL, msgs[mid]) for mid in handled}
    if got != want:
        fail(name, f"rendered {json.dumps(got, indent=1)}\nwant {json.dumps(want, indent=1)}")
    errs = errors(logs, "r1")
    want_bad = ["m2"] if arn == FIFO else bad
    if sorted(errs) != want_bad:
        fail(name, f"ERROR lines for {sorted(errs)}, want {want_bad}")
    elif "not JSON" not in errs["m2"] or (arn == STD and (errs["m4"] != 'unknown key "var" (did you mean "vars"?)'
                                                          or "SNS message" not in errs["m5"])):
        fail(name, f"error texts {errs}")
    skipped = [l for l in logs if l.get("level") == "WARN" and "4 record(s) after the failed one" in l.get("message", "")]
    if (arn == FIFO) != bool(skipped):
        fail(name, f"WARN line about the records left for redelivery: {skipped}")

# 2. autoescape by the template's name (CLOUDCRON_TEMPLATE_NAME), off otherwise
HTML = "<p>{{ subject }}</p><p>{{ note }}</p>{{ message.vars|tojson }}"
m = {"subject": "<b>Disk</b> & \"quotes\"", "vars": {"note": "<script>x</script>"}}
for tname in ["alert.html", "alert.txt"]:
    name = f"autoescape {tname}"
    api, proc, logs = invoke(name, {"CLOUDCRON_TEMPLATE": HTML, "CLOUDCRON_TEMPLATE_NAME": tname},
                             [la.Event("r1", batch(STD, [json.dumps(m)]))])
    expect_clean_exit(name, proc)
    expect_response(name, api, "r1", {"batchItemFailures": []})
    want = render_oracle(HTML, tname, {}, m)
    if texts(logs, "r1") != {"m0": want}:
        fail(name, f"rendered {texts(logs, 'r1')}, want {want!r}")
    if (tname.endswith(".html")) != ("&lt;b&gt;" in want):
        fail(name, "the oracle disagrees with the test's premise")

# 3. strict mode: a message without the variable fails alone, with a position
STRICT = "{{ subject }} on {{ host }}"
withvar = {"subject": "a", "vars": {"host": "h"}}
without = {"subject": "b"}
for strict in ["1", "0"]:
    name = f"strict={strict}"
    api, proc, logs = invoke(name, {"CLOUDCRON_TEMPLATE": STRICT, "CLOUDCRON_STRICT": strict},
                             [la.Event("r1", batch(STD, [json.dumps(withvar), json.dumps(without)]))])
    expect_clean_exit(name, proc)
    if strict == "1":
        expect_response(name, api, "r1", {"batchItemFailures": [{"itemIdentifier": "m1"}]})
        if texts(logs, "r1") != {"m0": "a on h"}:
            fail(name, f"rendered {texts(logs, 'r1')}")
        e = errors(logs, "r1").get("m1", "")
        if not e.startswith("CLOUDCRON_TEMPLATE:1:") or "host" not in e:
            fail(name, f"error {e!r} should be CLOUDCRON_TEMPLATE:1:COL: ... naming host")
    else:
        expect_response(name, api, "r1", {"batchItemFailures": []})
        want = {"m0": "a on h", "m1": render_oracle(STRICT, "t", {}, without)}
        if texts(logs, "r1") != want:
            fail(name, f"rendered {texts(logs, 'r1')}, want {want}")

# 4. a record without messageId fails the whole invocation, printing nothing
name = "missing messageId"
api, proc, logs = invoke(name, {"CLOUDCRON_TEMPLATE": "{{ subject }}"},
                         [la.Event("r1", batch(FIFO, [json.dumps(good1), json.dumps(good3)], ids=["m0", None])),
                          la.Event("r2", batch(FIFO, [json.dumps(good3)]))])
expect_clean_exit(name, proc)
got = api.posts.get("r1/error")
if not got or got[1] != "Handler.InvalidBatch" or "messageId" not in got[0].get("errorMessage", ""):
    fail(name, f"error post {got}; posts {sorted(api.posts)}")
if "r1/response" in api.posts:
    fail(name, "a response was posted too")
if texts(logs, "r1"):
    fail(name, f"printed {texts(logs, 'r1')} for a batch that fails as a whole")
expect_response(name, api, "r2", {"batchItemFailures": []})  # the next invocation still runs

# 5. the deadline: records not started before it are left to SQS
name = "deadline passed"
past = int(time.time() * 1000) - 1000
api, proc, logs = invoke(name, {"CLOUDCRON_TEMPLATE": "{{ subject }}"},
                         [la.Event("r1", batch(STD, [json.dumps(good1), json.dumps(good3)]), deadline_ms=past)])
expect_clean_exit(name, proc)
expect_response(name, api, "r1", {"batchItemFailures": [{"itemIdentifier": "m0"}, {"itemIdentifier": "m1"}]})
if texts(logs, "r1") or not any(l.get("level") == "WARN" and "deadline" in l.get("message", "") for l in logs):
    fail(name, f"logs {logs}")
name = "deadline margin"
soon = int(time.time() * 1000) + 60000
api, proc, logs = invoke(name, {"CLOUDCRON_TEMPLATE": "{{ subject }}", "CLOUDCRON_DEADLINE_MARGIN_MS": "120000"},
                         [la.Event("r1", batch(FIFO, [json.dumps(good1)]), deadline_ms=soon),
                          la.Event("r2", batch(FIFO, [json.dumps(good3)]))])
expect_clean_exit(name, proc)
expect_response(name, api, "r1", {"batchItemFailures": [{"itemIdentifier": "m0"}]})
expect_response(name, api, "r2", {"batchItemFailures": []})

# 6. an event that is not from SQS
name = "scheduled event"
api, proc, logs = invoke(name, {"CLOUDCRON_TEMPLATE": "{{ subject }}"},
                         [la.Event("r1", json.dumps({"source": "aws.events", "detail-type": "Scheduled Event",
                                                     "detail": {}}))])
expect_clean_exit(name, proc)
got = api.posts.get("r1/error")
if not got or got[1] != "Handler.UnsupportedEvent":
    fail(name, f"posts {api.posts}")

# 7. init errors: posted to .../init/error, no next asked, exit status 1
init_cases = [
    ("syntax error", {"CLOUDCRON_TEMPLATE": "line one\n{{ subject }\n"}, "CLOUDCRON_TEMPLATE:2:"),
    ("syntax error, named", {"CLOUDCRON_TEMPLATE": "{% if x %}open", "CLOUDCRON_TEMPLATE_NAME": "alert.html"},
     "alert.html:1:"),
    ("no template", {}, "set CLOUDCRON_TEMPLATE"),
    ("both set", {"CLOUDCRON_TEMPLATE": "x", "CLOUDCRON_TEMPLATE_URL": "file:///x"}, "both"),
    ("vars not an object", {"CLOUDCRON_TEMPLATE": "x", "CLOUDCRON_VARS": "[1]"}, "CLOUDCRON_VARS must be a JSON object"),
    ("vars not JSON", {"CLOUDCRON_TEMPLATE": "x", "CLOUDCRON_VARS": "{\"a\": }"}, "CLOUDCRON_VARS:1:"),
    ("bad strict", {"CLOUDCRON_TEMPLATE": "x", "CLOUDCRON_STRICT": "yes"}, "CLOUDCRON_STRICT must be 1 or 0"),
    ("http refused", {"CLOUDCRON_TEMPLATE_URL": "http://example.com/t.txt"}, "http:// is refused"),
    ("unknown scheme", {"CLOUDCRON_TEMPLATE_URL": "ftp://example.com/t.txt"}, "file://, https:// or s3://"),
    ("s3 without key", {"CLOUDCRON_TEMPLATE_URL": "s3://bucket"}, "s3://BUCKET/KEY"),
    ("missing file", {"CLOUDCRON_TEMPLATE_URL": "file:///nonexistent/alert.txt"},
     "CLOUDCRON_TEMPLATE_URL file:///nonexistent/alert.txt: No such file or directory"),
    ("bad limit", {"CLOUDCRON_TEMPLATE": "x", "CLOUDCRON_TEMPLATE_MAX_BYTES": "10k"},
     "CLOUDCRON_TEMPLATE_MAX_BYTES must be a whole number"),
    ("inline too big", {"CLOUDCRON_TEMPLATE": "x" * 101, "CLOUDCRON_TEMPLATE_MAX_BYTES": "100"},
     "larger than the limit of 100 bytes"),
]
for name, env, want in init_cases:
    api, proc, logs = invoke(name, env, [la.Event("r1", batch(STD, [json.dumps(good1)]))])
    for problem in la.init_error_problems(api, proc, want):
        fail(name, problem)

# 8. the image's bootstrap runs the handler _HANDLER names, and nothing else
BOOT = os.path.join(os.environ["CC_BIN"], "cloudcron-bootstrap")
for handler in ["print", "cloudcron-print"]:
    name = f"bootstrap _HANDLER={handler}"
    report.cases += 1
    api, proc = la.run([BOOT], la.base_env(_HANDLER=handler, CLOUDCRON_HANDLER_DIR=os.environ["CC_BIN"],
                                           CLOUDCRON_TEMPLATE="{{ subject }}!"),
                       [la.Event("r1", batch(STD, [json.dumps(good3)]))])
    expect_clean_exit(name, proc)
    expect_response(name, api, "r1", {"batchItemFailures": []})
    if texts(la.log_lines(proc.stderr), "r1") != {"m0": "Only a subject!"}:
        fail(name, f"logs {proc.stderr.decode()}")
for handler, want in [("../../bin/sh", "is not a handler name"), ("nope", "cannot run the handler"),
                      ("", "_HANDLER is not set")]:
    name = f"bootstrap _HANDLER={handler!r}"
    report.cases += 1
    api, proc = la.run([BOOT], la.base_env(_HANDLER=handler, CLOUDCRON_HANDLER_DIR=os.environ["CC_BIN"]),
                       [la.Event("r1", batch(STD, [json.dumps(good3)]))])
    if proc.returncode != 127 or want not in proc.stderr.decode() or api.next_times:
        fail(name, f"exit {proc.returncode}, stderr {proc.stderr.decode()!r}")

report.finish()
