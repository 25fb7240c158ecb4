#!/usr/bin/env python3
"""Soak: every (message, recipient) delivered exactly once through
cloudcron-email and cloudcron-sms with an idempotency table, against
providers that fail. The real binaries run through a local Runtime API
(lambda_api.py); the table lives in moto_server's DynamoDB; SES v2 and
Twilio are loopback stand-ins (ses_standin.py, and a policy-driven Twilio
below) that, for each request, from a seeded random stream:

- answer 429 (10%) or 503 (10%) without sending: throttles and 5xx;
- stall (1%): the message IS sent, the answer comes after the handler's
  per-attempt timeout (CLOUDCRON_SEND_TIMEOUT_MS) has given up: a delivery
  that is ambiguous by construction (the handler retries, so it may arrive
  twice; it must be logged and counted as ambiguous);
- one recipient is down (503 on every request) for the whole first
  delivery.

Records are redelivered as SQS would (those in batchItemFailures, in new
batches of 10, a new invocation each, its deadline 5 s after it starts,
four function instances taking batches at once; the second round also
redelivers 50 records that had succeeded, as SQS may) until none fails. Checked, from what the stand-ins recorded as sent: no
(message, recipient) lost; none sent twice unless the handler logged that
delivery as ambiguous, and no more extra copies than the attempts it
logged as possibly sent (maybe_sent); the idempotency records skipped what
was done. Prints the counts."""
import base64
import http.server
import json
import os
import random
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime"))
import lambda_api as la  # noqa: E402
import tlsserver  # noqa: E402
from moto_util import Moto  # noqa: E402
from ses_standin import SesStandin  # noqa: E402
from twilio_standin import SID, TOKEN, credentials  # noqa: E402

BIN = os.environ["CC_BIN"]
N = int(os.environ.get("SOAK_MESSAGES", "1000"))
STD = "arn:aws:sqs:us-east-1:123456789012:soak"
TABLE = "cloudcron-idempotency"
PHONES = ["+15551230001", "+15551230002"]
DOWN = PHONES[1]             # down for the whole first delivery
STALL_S, TIMEOUT_MS = 0.6, 300
CONCURRENCY = 4              # function instances per channel
problems = []


class Faults:
    """The stand-ins' shared fault stream; round 1 is the first delivery."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.round = 1
        self.counts = {"ok": 0, "throttle": 0, "5xx": 0, "stall": 0, "down": 0}

    def decide(self, down):
        with self.lock:
            if down and self.round == 1:
                out = "down"
            else:
                x = self.rng.random()
                out = "throttle" if x < 0.10 else "5xx" if x < 0.20 else "stall" if x < 0.21 else "ok"
            self.counts[out] += 1
            return out


class PolicyTwilio(http.server.BaseHTTPRequestHandler):
    """Twilio's Messages resource (as twilio_standin.py) with faults."""
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms ACK wait
    faults = None
    sent = []
    lock = threading.Lock()

    def log_message(self, *a):
        pass

    def _answer(self, status, obj):
        data = json.dumps(obj).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    def do_POST(self):
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())
        if self.headers.get("Authorization") != "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode():
            self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            return
        to, body = form["To"][0], form["Body"][0]
        out = PolicyTwilio.faults.decide(to == DOWN)
        if out == "throttle":
            self._answer(429, {"code": 20429, "message": "Too Many Requests", "status": 429})
        elif out in ("5xx", "down"):
            self._answer(503, {"code": 20503, "message": "Service Unavailable", "status": 503})
        else:
            sid = "SM" + uuid.uuid4().hex
            with PolicyTwilio.lock:
                PolicyTwilio.sent.append((to, body))
            if out == "stall":
                time.sleep(STALL_S)
            self._answer(201, {"sid": sid, "to": to, "status": "queued"})


def messages():
    """N notifications; every third carries a dedup_id (the key then)."""
    out = {}
    for i in range(N):
        m = {"subject": f"soak {i}", "vars": {"n": i}}
        if i % 3 == 0:
            m["dedup_id"] = f"soak-dedup-{i}"
        out[f"q{i:05d}"] = m
    return out


def deliver(name, cmd, env, msgs, faults):
    """Delivers msgs until none fails; returns (rounds, log lines, batches).
    SQS delivers at least once: the second round also redelivers 50
    records that had succeeded (as when a visibility timeout runs out)."""
    pending, rounds, logs, invocations = sorted(msgs), 0, [], 0
    rng = random.Random(7)
    while (pending or rounds < 2) and rounds < 12:
        rounds += 1
        faults.round = rounds
        if rounds == 2:
            pending = sorted(set(pending) | set(rng.sample(sorted(set(msgs) - set(pending)), min(50, len(set(msgs) - set(pending))))))
        events = []
        for b in range(0, len(pending), 10):
            ids = pending[b:b + 10]
            events.append(la.Event(f"{name}-r{rounds}-b{b // 10}-{uuid.uuid4().hex[:8]}",
                                   la.batch(STD, [json.dumps(msgs[i]) for i in ids], ids), timeout_ms=5000))
        invocations += len(events)
        # CONCURRENCY function instances take the batches, as Lambda's
        # poller runs several at once
        runs = [None] * CONCURRENCY
        threads = [threading.Thread(target=lambda k=k: runs.__setitem__(
            k, la.run(cmd, env, events[k::CONCURRENCY], timeout=600))) for k in range(CONCURRENCY)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        posts = {}
        for api, proc in runs:
            logs += la.log_lines(proc.stderr)
            posts.update(api.posts)
            if proc.returncode != 0:
                problems.append(f"{name}: exit {proc.returncode}: {proc.stderr.decode(errors='replace')[-1500:]}")
                return rounds, logs, invocations
        failed = []
        for ev in events:
            got = posts.get(f"{ev.request_id}/response")
            resp = got and got[0]
            if resp is None:
                problems.append(f"{name}: no response for {ev.request_id}")
                return rounds, logs, invocations
            failed += [f["itemIdentifier"] for f in resp["batchItemFailures"]]
        pending = sorted(failed)
    if pending:
        problems.append(f"{name}: {len(pending)} records still failing after {rounds} deliveries")
    return rounds, logs, invocations


def check(name, msgs, sent_pairs, recipients, logs, faults, rounds, invocations, seconds):
    """sent_pairs: (message id, recipient) for every copy that arrived."""
    want = {(mid, r) for mid in msgs for r in recipients}
    copies = {}
    for p in sent_pairs:
        copies[p] = copies.get(p, 0) + 1
    lost = sorted(want - set(copies))
    unknown = sorted(set(copies) - want)
    extra = {p: c - 1 for p, c in copies.items() if c > 1}
    amb = [l for l in logs if l.get("ambiguous")]
    amb_pairs = {(l.get("message_id"), l.get("to")) for l in amb}
    maybe = sum(l.get("maybe_sent", 0) for l in amb)
    skipped = sum(1 for l in logs if l.get("skipped"))
    unexplained = sorted(p for p in extra if p not in amb_pairs)
    print(f"{name}: {len(msgs)} messages x {len(recipients)} recipient(s) = {len(want)} deliveries in "
          f"{rounds} rounds, {invocations} invocations, {seconds:.1f} s; provider requests "
          f"{sum(faults.counts.values())} {faults.counts}; arrived {len(sent_pairs)}, lost {len(lost)}, "
          f"duplicated {len(extra)} ({sum(extra.values())} extra copies), ambiguous logged {len(amb)} "
          f"({maybe} attempts maybe sent), skipped as already delivered {skipped}")
    if lost:
        problems.append(f"{name}: lost {len(lost)}: {lost[:5]}")
    if unknown:
        problems.append(f"{name}: sent what was not asked: {unknown[:5]}")
    if unexplained:
        problems.append(f"{name}: duplicates not logged as ambiguous: {unexplained[:5]}")
    if sum(extra.values()) > maybe:
        problems.append(f"{name}: {sum(extra.values())} extra copies, more than the {maybe} attempts logged")
    if skipped < 50:
        problems.append(f"{name}: nothing was skipped as already delivered after the recipient came back")
    if not faults.counts["stall"]:
        problems.append(f"{name}: the fault stream never stalled (no ambiguity exercised)")


def setup(moto):
    ddb = moto.client("dynamodb")
    ddb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    # the handlers' backoff shortened (5 ms base, 40 ms cap) so that the
    # thousands of retries fit in the suite's time
    return {"AWS_ENDPOINT_URL": moto.url, "CLOUDCRON_IDEMPOTENCY_TABLE": TABLE,
            "CLOUDCRON_RETRY_BASE_MS": "5", "CLOUDCRON_RETRY_CAP_MS": "40",
            "CLOUDCRON_SEND_TIMEOUT_MS": str(TIMEOUT_MS), "CLOUDCRON_LOG_LEVEL": "INFO"}


def soak_email(msgs, subject_of):
    """One send per message; "down" (503) for every tenth message's first delivery."""
    with Moto() as moto:
        common = setup(moto)
        faults = Faults(14)
        srv = SesStandin(lambda req: {"down": "5xx", "stall": ("stall", STALL_S)}.get(
            o := faults.decide(int(req["Content"]["Simple"]["Subject"]["Data"].split()[1]) % 10 == 0), o))
        t0 = time.time()
        env = la.base_env(**common, AWS_ENDPOINT_URL_SESV2=srv.url, CLOUDCRON_TEMPLATE="{{ subject }}: {{ n }}",
                          CLOUDCRON_SENDER="Soak <cron@example.com>", CLOUDCRON_RECIPIENTS="ops@example.com",
                          AWS_LAMBDA_FUNCTION_NAME="soak-email")
        rounds, logs, inv = deliver("email", [os.path.join(BIN, "cloudcron-email")], env, msgs, faults)
        srv.close()
    pairs = [(subject_of[s["Content"]["Simple"]["Subject"]["Data"]], "all") for s in srv.sent]
    took = time.time() - t0
    return lambda: check("cloudcron-email", msgs, pairs, ["all"], logs, faults, rounds, inv, took)


def soak_sms(msgs, subject_of, tmp):
    """One send per recipient; DOWN down for the whole first delivery."""
    with Moto() as moto:
        common = setup(moto)
        arn = moto.client("secretsmanager").create_secret(Name="tw", SecretString=credentials())["ARN"]
        faults = Faults(15)
        PolicyTwilio.faults = faults
        tw, twilio_url, cert = tlsserver.serve(PolicyTwilio, tmp)
        t0 = time.time()
        env = la.base_env(**common, AWS_CA_BUNDLE=cert, CLOUDCRON_TWILIO_URL=twilio_url, CLOUDCRON_TWILIO_SECRET=arn,
                          CLOUDCRON_FROM="+15005550006", CLOUDCRON_RECIPIENTS=",".join(PHONES),
                          CLOUDCRON_TEMPLATE="{{ subject }}", AWS_LAMBDA_FUNCTION_NAME="soak-sms")
        rounds, logs, inv = deliver("sms", [os.path.join(BIN, "cloudcron-sms")], env, msgs, faults)
        tw.shutdown()
    pairs = [(subject_of[body], to) for to, body in PolicyTwilio.sent]
    took = time.time() - t0
    return lambda: check("cloudcron-sms", msgs, pairs, PHONES, logs, faults, rounds, inv, took)


# the two channels side by side, each with its own moto_server
with tempfile.TemporaryDirectory() as tmp:
    msgs = messages()
    subject_of = {m["subject"]: mid for mid, m in msgs.items()}
    results = {}
    threads = [threading.Thread(target=lambda: results.update(email=soak_email(msgs, subject_of))),
               threading.Thread(target=lambda: results.update(sms=soak_sms(msgs, subject_of, tmp)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in ("email", "sms"):
        if k in results:
            results[k]()
        else:
            problems.append(f"{k}: the run did not finish")

for p in problems:
    print("FAIL", p)
sys.exit(1 if problems else 0)
