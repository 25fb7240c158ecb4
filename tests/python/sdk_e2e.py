#!/usr/bin/env python3
"""The Python package (runtime/python/cloudcron) against moto_server:
publish to a FIFO and a standard topic, read back from SQS queues
subscribed with raw delivery (body, group, dedup id, attributes); every
contract error raised before any AWS call (the endpoint is a listening
socket that must see no connection) with the key or field named; the
`--event FILE` local runner (result, JSON log lines, error_type, a missing
file, bad JSON); the template provider (inline, file://, https:// through a
loopback TLS server trusted by AWS_CA_BUNDLE, s3://); the FakeAWS fixture
in process (moto's mock_aws)."""
import hashlib
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile

SRC = os.environ["CC_SRC"]
PYPATH = os.path.join(SRC, "runtime", "python")
sys.path.insert(0, PYPATH)
sys.path.insert(0, os.path.join(SRC, "tests", "runtime"))
sys.path.insert(0, os.path.join(SRC, "tests", "handlers"))
import cloudcron  # noqa: E402
from cloudcron import templates  # noqa: E402
from cloudcron.testing import FakeAWS  # noqa: E402
from moto_util import Moto  # noqa: E402
import tlsserver  # noqa: E402

fails = []
n = [0]


def expect(name, cond, detail=""):
    n[0] += 1
    if not cond:
        fails.append(f"{name}: {detail}")


def raises(name, fn, exc, *needles):
    n[0] += 1
    try:
        fn()
    except exc as e:
        missing = [s for s in needles if s not in str(e)]
        if missing:
            fails.append(f"{name}: {e!r} does not say {missing}")
        return e
    except Exception as e:  # noqa: BLE001
        fails.append(f"{name}: raised {type(e).__name__}: {e}, want {exc.__name__}")
        return None
    fails.append(f"{name}: no error, want {exc.__name__}")
    return None


TASK = '''
import sys
import cloudcron

@cloudcron.task
def handler(event, ctx):
    if event.get("fail"):
        raise cloudcron.TaskError("%d of %d paths could not be checked" % (1, 1))
    if event.get("crash"):
        return {}["missing"]
    ctx.log("INFO", "checking", host=event["host"], pct=93.4)
    ctx.publish("alerts", "Disk usage above 90%% on %s" % event["host"], {"host": event["host"]},
                dedup_id=event.get("dedup"))
    if event.get("bad_key"):
        ctx.publish("alert", "x")
    return None

if __name__ == "__main__":
    sys.exit(cloudcron.main(handler))
'''

with tempfile.TemporaryDirectory() as tmp, Moto(os.path.join(tmp, "moto.log")) as moto:
    topics = {"alerts": "alerts.fifo", "reports": "reports", "on-call": "on-call.fifo"}
    with FakeAWS(topics, endpoint_url=moto.url, env={"CLOUDCRON_TASK_NAME": "nightly-disk"}) as aws:
        # --- FIFO: body, group, dedup id (given and hashed), attributes
        p = cloudcron.publish("alerts", "Disk usage above 90%", {"host": "db-1", "pct": 93.4},
                              dedup_id="db-1-2026-11-22",
                              attributes={"severity": "critical", "pct": 93.4, "count": 3,
                                          "hosts": ["db-1", "db-2"], "zone": ("String", "eu")})
        got = aws.messages("alerts")
        want_body = '{"dedup_id":"db-1-2026-11-22","subject":"Disk usage above 90%","vars":{"host":"db-1","pct":93.4}}'
        expect("fifo: one message", len(got) == 1, got)
        if got:
            m = got[0]
            expect("fifo body", m["body"] == want_body == p["body"], m["body"])
            expect("fifo group = task name", m["group_id"] == "nightly-disk", m)
            expect("fifo dedup id", m["dedup_id"] == "db-1-2026-11-22", m)
            expect("attributes", m["attributes"] == {
                "severity": ("String", "critical"), "pct": ("Number", "93.4"),
                "count": ("Number", "3"), "hosts": ("String.Array", '["db-1","db-2"]'),
                "zone": ("String", "eu")}, m["attributes"])
            expect("message id", p["message_id"] and p["topic_arn"].endswith("alerts.fifo"), p)
        cloudcron.publish("on-call", "Page", {"n": 1}, group_id="pager", to=["+15551234567"])
        cloudcron.publish("on-call", "Page", {"n": 1}, group_id="pager", to=["+15551234567"])
        got = aws.messages("on-call")
        body = '{"subject":"Page","to":["+15551234567"],"vars":{"n":1}}'
        expect("fifo without dedup id: the body's SHA-256, the same body twice de-duplicated",
               len(got) == 1 and got[0]["body"] == body
               and got[0]["dedup_id"] == hashlib.sha256(body.encode()).hexdigest()
               and got[0]["group_id"] == "pager", got)
        # --- standard: no group, no dedup id; dedup_id stays in the body
        p = cloudcron.publish("reports", "Weekly", {"rows": [1, 2]}, dedup_id="w-48",
                              attributes={"kind": "weekly"})
        got = aws.messages("reports")
        expect("standard", len(got) == 1 and got[0]["body"] == '{"dedup_id":"w-48","subject":"Weekly","vars":{"rows":[1,2]}}'
               and got[0]["group_id"] is None and got[0]["dedup_id"] is None
               and got[0]["attributes"] == {"kind": ("String", "weekly")} and p["dedup_id"] is None, got)

        # --- contract errors: before any AWS call
        trap = socket.socket()
        trap.bind(("127.0.0.1", 0))
        trap.listen(16)
        trap.setblocking(False)
        os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{trap.getsockname()[1]}"
        cloudcron.sns._clients.clear()
        P = cloudcron.publish
        E, U = cloudcron.MessageError, cloudcron.UnknownTopicError
        os.environ["CLOUDCRON_TOPIC_PAGER"] = ""
        errors = [
            ("unknown key", lambda: P("alert", "x"), U, 'unknown topic key "alert"', "CLOUDCRON_TOPIC_ALERT is not set",
             "known keys: alerts, reports, on-call"),
            ("set but empty", lambda: P("pager", "x"), U, 'topic key "pager"', "CLOUDCRON_TOPIC_PAGER is set but empty"),
            ("empty key", lambda: P("", "x"), U, "invalid topic key"),
            ("empty subject", lambda: P("alerts", ""), E, '"subject" must be a non-empty string'),
            ("subject not str", lambda: P("alerts", 5), E, '"subject" must be a non-empty string'),
            ("two lines", lambda: P("alerts", "a\nb"), E, 'publish to "alerts"', '"subject" must be one line'),
            ("vars list", lambda: P("alerts", "x", [1]), E, '"vars" must be an object'),
            ("vars NaN", lambda: P("alerts", "x", {"pct": float("nan")}), E, '"vars.pct"', "JSON cannot hold"),
            ("vars inf", lambda: P("alerts", "x", {"a": [float("inf")]}), E, '"vars.a[0]"'),
            ("vars set", lambda: P("alerts", "x", {"s": {1}}), E, '"vars.s" is a set'),
            ("vars key", lambda: P("alerts", "x", {1: 2}), E, '"vars" has a key that is not a string'),
            ("vars big int", lambda: P("alerts", "x", {"n": 2 ** 64}), E, '"vars.n"', "64-bit"),
            ("to empty", lambda: P("alerts", "x", to=[]), E, '"to" must be a non-empty array'),
            ("to item", lambda: P("alerts", "x", to=["a", ""]), E, '"to[1]" must be a non-empty string'),
            ("dedup space", lambda: P("alerts", "x", dedup_id="a b"), E, '"dedup_id" may hold only printable ASCII'),
            ("dedup long", lambda: P("alerts", "x", dedup_id="d" * 129), E, '"dedup_id" must be a string of 1 to 128'),
            ("attr count", lambda: P("alerts", "x", attributes={f"a{i}": "v" for i in range(11)}), E, "at most 10"),
            ("attr number", lambda: P("alerts", "x", attributes={"pct": ("Number", "ten")}), E, 'attribute "pct"', "not a number"),
            ("attr bool", lambda: P("alerts", "x", attributes={"ok": True}), E, 'attribute "ok"'),
            ("attr dict", lambda: P("alerts", "x", attributes={"d": {}}), E, 'attribute "d"'),
            ("attr empty", lambda: P("alerts", "x", attributes={"e": ""}), E, 'attribute "e"', "non-empty"),
            ("attr name", lambda: P("alerts", "x", attributes={"": "v"}), E, "attribute name"),
        ]
        for name, fn, exc, *needles in errors:
            raises(name, fn, exc, *needles)
        try:
            conn, _ = trap.accept()
            conn.close()
            fails.append("a contract error reached the network")
        except BlockingIOError:
            pass
        # a refused publish (not a contract error) does reach SNS, and says so
        trap.close()
        os.environ["AWS_ENDPOINT_URL"] = moto.url
        cloudcron.sns._clients.clear()
        os.environ["CLOUDCRON_TOPIC_GONE"] = "arn:aws:sns:us-east-1:123456789012:gone"
        raises("SNS refuses", lambda: P("gone", "x"), cloudcron.PublishError, 'publish to "gone": sns Publish: HTTP 404')
        del os.environ["CLOUDCRON_TOPIC_GONE"], os.environ["CLOUDCRON_TOPIC_PAGER"]

        # --- the --event runner
        script = os.path.join(tmp, "disk_task.py")
        open(script, "w").write(TASK)
        env = dict(os.environ, PYTHONPATH=PYPATH)

        def run(*args, stdin=None):
            r = subprocess.run([sys.executable, script, *args], env=env, capture_output=True,
                               text=True, input=stdin)
            lines = []
            for ln in r.stderr.splitlines():
                try:
                    lines.append(json.loads(ln))
                except ValueError:
                    lines.append(ln)
            return r, lines

        ev = os.path.join(tmp, "ev.json")
        json.dump({"host": "db-9", "dedup": "d-9"}, open(ev, "w"))
        r, lines = run("--event", ev)
        expect("--event: exit 0", r.returncode == 0, r.stderr)
        expect("--event: result", r.stdout == '{"published":1}\n', r.stdout)
        dicts = [ln for ln in lines if isinstance(ln, dict)]
        expect("--event: log lines are JSON", len(dicts) == len(lines) == 2, lines)
        if len(dicts) == 2:
            a, b = dicts
            expect("log: keys first", list(a)[:4] == ["timestamp", "level", "request_id", "message"], a)
            expect("log: fields", a.get("host") == "db-9" and a.get("pct") == 93.4 and a["request_id"] == "local", a)
            expect("log: published", b.get("message") == 'published to "alerts"' and b.get("topic_key") == "alerts"
                   and b.get("dedup_id") == "d-9" and b.get("message_id"), b)
            expect("log: timestamp", len(a["timestamp"]) == 24 and a["timestamp"].endswith("Z"), a)
        got = aws.messages("alerts")
        expect("--event: delivered", len(got) == 1 and got[0]["group_id"] == "nightly-disk"
               and got[0]["message"] == {"subject": "Disk usage above 90% on db-9", "vars": {"host": "db-9"},
                                         "dedup_id": "d-9"}, got)
        r, lines = run("--event", "-", stdin='{"fail": true}')
        expect("failing task: exit 1", r.returncode == 1 and r.stdout == "", (r.returncode, r.stdout))
        expect("failing task: ERROR line with error_type",
               lines and isinstance(lines[-1], dict) and lines[-1].get("level") == "ERROR"
               and lines[-1].get("message") == "1 of 1 paths could not be checked"
               and lines[-1].get("error_type") == "cloudcron.TaskError", lines)
        r, lines = run("--event", "-", stdin='{"host": "h", "bad_key": true}')
        expect("unknown key in a run: error_type", r.returncode == 1 and isinstance(lines[-1], dict)
               and lines[-1].get("error_type") == "cloudcron.UnknownTopic"
               and 'publish to "alert": unknown topic key "alert"' in lines[-1].get("message", ""), lines)
        r, lines = run("--event", "-", stdin='{"crash": true}')
        expect("crash: error_type is the exception", r.returncode == 1 and isinstance(lines[-1], dict)
               and lines[-1].get("error_type") == "KeyError", lines)
        r, _ = run("--event", os.path.join(tmp, "missing.json"))
        expect("missing event file", r.returncode == 1 and
               r.stderr == f"disk_task.py: --event {tmp}/missing.json: No such file or directory\n", r.stderr)
        bad = os.path.join(tmp, "bad.json")
        open(bad, "w").write('{\n  "host": "x",\n}\n')
        r, _ = run("--event", bad)
        expect("bad JSON: FILE:LINE:COL", r.returncode == 1 and r.stderr.startswith(f"{bad}:3:1: error: "), r.stderr)
        r, _ = run()
        expect("no --event: usage", r.returncode == 2 and "usage:" in r.stderr, r.stderr)
        r, _ = run("--event", ev, "--timeout", "0")
        expect("--timeout range", r.returncode == 2 and "1 to 900" in r.stderr, r.stderr)

        # --- the template provider
        tpl = "<h1>{{ subject }}</h1>"
        t = templates.load({"CLOUDCRON_TEMPLATE": tpl})
        expect("inline", t == tpl and t.name == "CLOUDCRON_TEMPLATE", (t, t.name))
        path = os.path.join(tmp, "alert.html")
        open(path, "w").write(tpl)
        t = templates.load({"CLOUDCRON_TEMPLATE_URL": "file://" + path})
        expect("file://", t == tpl and t.name == "alert.html", (t, t.name))
        t = templates.load({"CLOUDCRON_TEMPLATE_URL": "file://" + path, "CLOUDCRON_TEMPLATE_NAME": "x.txt"})
        expect("name override", t.name == "x.txt", t.name)
        s3 = aws.client("s3")
        s3.create_bucket(Bucket="tpl")
        s3.put_object(Bucket="tpl", Key="dir/my alert.txt", Body=tpl.encode())
        t = templates.load({"CLOUDCRON_TEMPLATE_URL": "s3://tpl/dir/my alert.txt"})
        expect("s3://", t == tpl and t.name == "my alert.txt", (t, t.name))

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                if self.path == "/redir":
                    self.send_response(302)
                    self.send_header("Location", "/t/alert.html")
                    self.end_headers()
                elif self.path == "/plain":
                    self.send_response(302)
                    self.send_header("Location", "http://127.0.0.1:1/x")
                    self.end_headers()
                elif self.path == "/big":
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"x" * 2048)
                elif self.path.startswith("/t/"):
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(tpl.encode())
                else:
                    self.send_response(404)
                    self.end_headers()

        srv, base, cert = tlsserver.serve(H, tmp)
        os.environ["AWS_CA_BUNDLE"] = cert
        try:
            t = templates.load({"CLOUDCRON_TEMPLATE_URL": base + "/t/alert.html?v=2"})
            expect("https://", t == tpl and t.name == "alert.html", (t, t.name))
            t = templates.load({"CLOUDCRON_TEMPLATE_URL": base + "/redir"})
            expect("https:// redirect", t == tpl, t)
            C = cloudcron.ConfigError
            raises("https 404", lambda: templates.load({"CLOUDCRON_TEMPLATE_URL": base + "/nope"}), C,
                   "CLOUDCRON_TEMPLATE_URL", "HTTP 404")
            raises("redirect to http", lambda: templates.load({"CLOUDCRON_TEMPLATE_URL": base + "/plain"}), C,
                   "not https://")
            raises("size limit", lambda: templates.load({"CLOUDCRON_TEMPLATE_URL": base + "/big",
                                                         "CLOUDCRON_TEMPLATE_MAX_BYTES": "1024"}), C,
                   "larger than the limit of 1024 bytes")
            raises("http://", lambda: templates.load({"CLOUDCRON_TEMPLATE_URL": "http://x/t"}), C, "unknown scheme")
            raises("both", lambda: templates.load({"CLOUDCRON_TEMPLATE": "a", "CLOUDCRON_TEMPLATE_URL": "file:///x"}),
                   C, "both")
            raises("none", lambda: templates.load({}), C, "no template")
            raises("missing file", lambda: templates.load({"CLOUDCRON_TEMPLATE_URL": "file:///no/such"}), C,
                   "file:///no/such", "No such file")
            raises("s3 NoSuchKey", lambda: templates.load({"CLOUDCRON_TEMPLATE_URL": "s3://tpl/none"}), C, "NoSuchKey")
            raises("bad limit", lambda: templates.load({"CLOUDCRON_TEMPLATE": "a", "CLOUDCRON_TEMPLATE_MAX_BYTES": "x"}),
                   C, "CLOUDCRON_TEMPLATE_MAX_BYTES")
        finally:
            srv.shutdown()
    expect("the environment is restored", "CLOUDCRON_TOPIC_ALERTS" not in os.environ, "left set")

# --- FakeAWS in process (moto's mock_aws): no server
with FakeAWS({"alerts": "alerts.fifo"}, env={"CLOUDCRON_TASK_NAME": "t"}) as aws:
    cloudcron.publish("alerts", "in process", {"a": 1})
    got = aws.messages("alerts")
    expect("in-process fixture", len(got) == 1 and got[0]["message"] == {"subject": "in process", "vars": {"a": 1}}
           and got[0]["group_id"] == "t", got)

for f in fails:
    print("FAIL", f)
print(f"{n[0]} checks, {len(fails)} failures")
sys.exit(1 if fails else 0)
