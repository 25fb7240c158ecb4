"""A local Lambda Runtime API on loopback (the real protocol: GET
.../invocation/next, POST .../response, .../error, .../init/error) that
serves a fixed list of events to a real bootstrap, records what it posts and
when, and ends the conversation by answering next with a 500 once the list
is done. Shared by the handler tests and the runtime benchmark."""
import hashlib
import http.server
import json
import os
import shlex
import subprocess
import sys
import threading
import time

PREFIX = "/2018-06-01/runtime"
FAR_DEADLINE = "4102444800000"  # 2100-01-01


class Event:
    def __init__(self, request_id, body, deadline_ms=None,
                 arn="arn:aws:lambda:us-east-1:123456789012:function:print", timeout_ms=None):
        """timeout_ms: the deadline is that long after the event is served,
        as Lambda's is (instead of the fixed deadline_ms)."""
        self.request_id = request_id
        self.body = body.encode() if isinstance(body, str) else body
        self.deadline_ms = deadline_ms
        self.timeout_ms = timeout_ms
        self.arn = arn


class RuntimeApi:
    """Serve events; after run(), posts maps a path suffix ("r1/response",
    "init/error") to (parsed JSON body, Lambda-Runtime-Function-Error-Type),
    next_times holds the perf_counter time of every GET next, and
    post_times the time of every POST."""

    def __init__(self, events, hold_end=False, start=True):
        """hold_end: the final next (no events left) waits until release()
        is called, so the caller can inspect the live process (ended is set
        when it arrives). start=False: nothing is served until start(), so
        a caller can first wait for the bootstrap's first connection itself
        (first_connection)."""
        self.events = list(events)
        self.ended = threading.Event()
        self._release = threading.Event()
        if not hold_end:
            self._release.set()
        self.posts = {}
        self.next_times = []
        self.post_times = {}
        self.sent_times = {}
        self._lock = threading.Lock()
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body leave together: no 40 ms delayed-ACK stall
            # per answer (Lambda's own Runtime API answers in one piece)
            disable_nagle_algorithm = True

            def log_message(self, *a):
                pass

            def do_GET(self):
                now = time.perf_counter()
                if self.path != PREFIX + "/invocation/next":
                    self.send_error(404)
                    return
                with api._lock:
                    api.next_times.append(now)
                    ev = api.events.pop(0) if api.events else None
                if ev is None:
                    api.ended.set()
                    api._release.wait(60)
                    body = b'{"errorMessage":"no more events"}'
                    self.send_response(500)
                else:
                    body = ev.body
                    deadline = ev.deadline_ms or FAR_DEADLINE
                    if ev.timeout_ms:
                        deadline = str(int(time.time() * 1000) + ev.timeout_ms)
                    self.send_response(200)
                    self.send_header("Lambda-Runtime-Aws-Request-Id", ev.request_id)
                    self.send_header("Lambda-Runtime-Deadline-Ms", str(deadline))
                    self.send_header("Lambda-Runtime-Invoked-Function-Arn", ev.arn)
                    self.send_header("Lambda-Runtime-Trace-Id", "Root=1-5f8a-0;Parent=1;Sampled=0")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                if ev is not None:
                    with api._lock:
                        api.sent_times[ev.request_id] = time.perf_counter()

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                now = time.perf_counter()
                key = self.path[len(PREFIX) + 1:]
                if key.startswith("invocation/"):
                    key = key[len("invocation/"):]
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = {"unparsable": body.decode(errors="replace")}
                with api._lock:
                    api.posts[key] = (parsed, self.headers.get("Lambda-Runtime-Function-Error-Type"))
                    api.post_times[key] = now
                self.send_response(202)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        if start:
            self._thread.start()

    def start(self):
        self._thread.start()

    def first_connection(self, timeout):
        """Blocks until a connection waits on the listening socket (before
        start()); returns its perf_counter time, None on timeout."""
        import selectors
        with selectors.DefaultSelector() as sel:
            sel.register(self.server.socket, selectors.EVENT_READ)
            return time.perf_counter() if sel.select(timeout) else None

    def release(self):
        self._release.set()

    def close(self):
        self._release.set()
        if self._thread.is_alive():
            self.server.shutdown()
        self.server.server_close()


def wrap():
    return shlex.split(os.environ.get("CC_WRAP", ""))


def base_env(**extra):
    """The environment a bootstrap sees: no CLOUDCRON_/AWS_ leftovers from
    the caller, fake credentials and a region."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CLOUDCRON_", "AWS_", "_HANDLER"))}
    env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_REGION": "us-east-1"})
    env.update(extra)
    return env


def run(cmd, env, events, timeout=120):
    """Runs cmd (a list) as a bootstrap against a fresh RuntimeApi serving
    events; returns (api, CompletedProcess)."""
    api = RuntimeApi(events)
    env = dict(env, AWS_LAMBDA_RUNTIME_API=api.address)
    try:
        proc = subprocess.run(wrap() + cmd, env=env, capture_output=True, timeout=timeout)
    finally:
        api.close()
    return api, proc


def log_lines(text):
    """The JSON log lines of a bootstrap's output."""
    out = []
    for line in text.decode(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def sqs_record(message_id, body, arn, **extra):
    rec = {"messageId": message_id, "receiptHandle": f"rh-{message_id}", "body": body,
           "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1763776800000",
                          "SenderId": "AIDAEXAMPLE", "ApproximateFirstReceiveTimestamp": "1763776800001"},
           "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
           "eventSourceARN": arn, "awsRegion": "us-east-1"}
    rec.update(extra)
    return rec


def envelope(msg):
    """msg inside the SNS JSON envelope (a subscription without raw delivery)."""
    return json.dumps({"Type": "Notification", "MessageId": "sns-1",
                       "TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts.fifo",
                       "Message": msg, "Timestamp": "2026-11-22T02:00:00.000Z",
                       "SignatureVersion": "1", "Signature": "x", "SigningCertURL": "x",
                       "UnsubscribeURL": "x"})


def batch(arn, bodies, ids=None):
    """An SQS event from queue arn with these bodies; ids default to m0,
    m1, ...; an id None leaves messageId out."""
    ids = ids or [f"m{i}" for i in range(len(bodies))]
    recs = []
    for mid, b in zip(ids, bodies):
        r = sqs_record(mid, b, arn)
        r["md5OfBody"] = hashlib.md5(b.encode()).hexdigest()
        if mid is None:
            del r["messageId"]
        recs.append(r)
    return json.dumps({"Records": recs})


def render_oracle(template, name, channel_vars, msg, strict=False, autoescape=None):
    """What Jinja2 renders for a channel: its vars, the message's vars over
    them, subject and message; autoescape by name unless given."""
    import jinja2
    if autoescape is None:
        autoescape = jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=False)
    env = jinja2.Environment(
        loader=jinja2.DictLoader({name: template}), autoescape=autoescape,
        undefined=jinja2.StrictUndefined if strict else jinja2.Undefined)
    ctx = dict(channel_vars)
    ctx.update(msg.get("vars", {}))
    ctx["subject"] = msg["subject"]
    ctx["message"] = msg
    return env.get_template(name).render(ctx)


def init_error_problems(api, proc, want):
    """What is wrong with a run whose init had to fail with a message
    holding want: it must post init/error (Runtime.InitError), ask for no
    event, log the message at ERROR and exit 1. Returns a list of texts."""
    out = []
    got = api.posts.get("init/error")
    if proc.returncode != 1:
        out.append(f"exit {proc.returncode}, want 1")
    if not got or want not in got[0].get("errorMessage", "") or got[1] != "Runtime.InitError":
        out.append(f"init/error {got}, want a message with {want!r}")
    if api.next_times:
        out.append("asked for an event after a failed init")
    if not any(l.get("level") == "ERROR" and want in l.get("message", "") for l in log_lines(proc.stderr)):
        out.append(f"no ERROR log line with {want!r}: {proc.stderr.decode(errors='replace')[-1500:]}")
    return out


def response(api, rid):
    """The JSON an invocation posted as its response, or None."""
    got = api.posts.get(f"{rid}/response")
    return got and got[0]


def failures(ids):
    """The partial batch response that lists ids."""
    return {"batchItemFailures": [{"itemIdentifier": i} for i in ids]}


class Report:
    """A test script's failures, by case name, and how many cases ran;
    finish() prints them and exits 1 when any failed."""

    def __init__(self):
        self.fails = []
        self.cases = 0

    def fail(self, name, msg):
        self.fails.append(f"{name}: {msg}")

    def finish(self, what="invocations"):
        print(f"{self.cases} {what}, {len(self.fails)} failures")
        for f in self.fails:
            print("FAIL", f)
        sys.exit(1 if self.fails else 0)
