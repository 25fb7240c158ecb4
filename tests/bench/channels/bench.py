#!/usr/bin/env python3
"""Driver of tests/bench/channels/run.sh: messages per second through each
channel handler (cloudcron-print, -email, -sms) and its Python peer
(peer/bootstrap: jinja2, boto3, urllib), in the same run against the same
loopback stand-ins: SES v2 (ses_standin.py), Twilio over TLS
(twilio_standin.py), Secrets Manager and, with the idempotency table,
DynamoDB in moto_server. Each run is one bootstrap process under a local
Runtime API (lambda_api.py) taking N messages (BENCH_MESSAGES, default 300)
in batches of 10; the rate is N over the time from handing over the first
event to receiving the last response; peak RSS is VmHWM, read while the
process waits on its last next. Every run must answer no failures and
deliver what was asked (the stand-ins count the sends). C and Python take
turns, ROUNDS times (default 3); the best rate of each is reported."""
import json
import os
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "handlers"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "runtime"))
import lambda_api as la  # noqa: E402
import tlsserver  # noqa: E402
from moto_util import Moto  # noqa: E402
from ses_standin import SesStandin  # noqa: E402
from twilio_standin import FakeTwilio, credentials  # noqa: E402

TEMPLATE = ("Alert for the {{ env }} team: {{ subject }}\nHost: {{ host|default('unknown') }} at "
            "{{ pct|round(1) }}%\n-- cloudcron ({{ team|upper }})")
PHONES = ["+15551230001", "+15551230002"]
STD = "arn:aws:sqs:us-east-1:123456789012:bench"


def events(n):
    out = []
    for b in range(0, n, 10):
        ids = [f"m{i:05d}" for i in range(b, min(n, b + 10))]
        bodies = [json.dumps({"subject": f"Disk usage on db-{i}", "vars": {"host": f"db-{i}", "pct": 90 + i % 10 / 3}})
                  for i in range(b, min(n, b + 10))]
        out.append(la.Event(f"r{b // 10}-{uuid.uuid4().hex[:6]}", la.batch(STD, bodies, ids)))
    return out


def vm_hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def once(cmd, env, n):
    """(messages/s, peak RSS KB) of one process taking n messages."""
    evs = events(n)
    api = la.RuntimeApi(evs, hold_end=True)
    env = dict(env, AWS_LAMBDA_RUNTIME_API=api.address)
    with tempfile.TemporaryFile() as err:
        pid = os.posix_spawn(cmd[0], cmd, env, file_actions=[(os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        deadline = time.time() + 600
        while not api.ended.wait(0.2):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done or time.time() > deadline:
                err.seek(0)
                raise SystemExit(f"{cmd[0]}: {'exited ' + str(status) if done else 'stuck'} before its last "
                                 f"event: {err.read()[-2000:].decode(errors='replace')}")
        hwm = vm_hwm_kb(pid)
        api.release()
        _, status, _ = os.wait4(pid, 0)
        api.close()
        err.seek(0)
        tail = err.read()[-2000:].decode(errors="replace")
    resps = [api.posts.get(f"{e.request_id}/response") for e in evs]
    if status != 0 or any(r is None or r[0] != la.failures([]) for r in resps):
        raise SystemExit(f"{cmd[0]}: exit {status}, a batch failed or went unanswered: {tail}")
    t0 = min(api.sent_times.values())
    t1 = max(api.post_times[f"{e.request_id}/response"] for e in evs)
    return n / (t1 - t0), hwm


def main():
    c_bin, peer = sys.argv[1], sys.argv[2]
    n, rounds = int(os.environ.get("BENCH_MESSAGES", "300")), int(os.environ.get("ROUNDS", "3"))
    results = {}
    with tempfile.TemporaryDirectory() as tmp, Moto() as moto:
        arn = moto.client("secretsmanager").create_secret(Name="tw", SecretString=credentials())["ARN"]
        ddb = moto.client("dynamodb")
        ses = SesStandin()
        tw, twilio_url, cert = tlsserver.serve(FakeTwilio, tmp)
        base = la.base_env(AWS_ENDPOINT_URL=moto.url, AWS_ENDPOINT_URL_SESV2=ses.url, AWS_CA_BUNDLE=cert,
                           CLOUDCRON_TEMPLATE=TEMPLATE, CLOUDCRON_VARS=json.dumps({"env": "prod", "team": "ops"}),
                           CLOUDCRON_SENDER="cron@example.com", CLOUDCRON_RECIPIENTS="ops@example.com",
                           CLOUDCRON_LOG_LEVEL="INFO")
        sms = {"CLOUDCRON_TWILIO_URL": twilio_url, "CLOUDCRON_TWILIO_SECRET": arn, "CLOUDCRON_FROM": "+15005550006",
               "CLOUDCRON_RECIPIENTS": ",".join(PHONES)}
        cases = [("print", False, {}), ("email", False, {}), ("email", True, {}), ("sms", False, sms), ("sms", True, sms)]
        for r in range(rounds):
            for channel, table, extra in cases:
                for impl in ("C", "Python"):
                    env = dict(base, **extra, CLOUDCRON_CHANNEL=channel)
                    if table:
                        name = f"bench-{uuid.uuid4().hex[:8]}"
                        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
                        env["CLOUDCRON_IDEMPOTENCY_TABLE"] = name
                    cmd = [os.path.join(c_bin, f"cloudcron-{channel}")] if impl == "C" else [peer]
                    before = (len(ses.sent), len(FakeTwilio.sent))
                    rate, rss = once(cmd, env, n)
                    sent = (len(ses.sent) - before[0], len(FakeTwilio.sent) - before[1])
                    want = {"print": (0, 0), "email": (n, 0), "sms": (0, n * len(PHONES))}[channel]
                    if sent != want:
                        raise SystemExit(f"{impl} {channel}: sent {sent}, want {want}")
                    key = (channel, table, impl)
                    best = results.get(key, (0, 0))
                    results[key] = (max(best[0], rate), max(best[1], rss))
        ses.close()
        tw.shutdown()
    print(f"{n} messages in batches of 10 per run, best of {rounds} rounds, C and Python in turns; "
          f"stand-ins on loopback (SES v2, Twilio over TLS, moto_server for the secret and DynamoDB)")
    print(f"{'channel':8}{'table':>7}{'C msg/s':>10}{'Python msg/s':>14}{'ratio':>8}{'C peak RSS':>12}{'Py peak RSS':>13}")
    for channel, table, _ in cases:
        c, p = results[(channel, table, "C")], results[(channel, table, "Python")]
        print(f"{channel:8}{'yes' if table else 'no':>7}{c[0]:10.0f}{p[0]:14.0f}{c[0] / p[0]:7.1f}x"
              f"{c[1] / 1024:9.1f} MB{p[1] / 1024:10.1f} MB")
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


main()
