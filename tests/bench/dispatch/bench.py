#!/usr/bin/env python3
"""The dispatcher benchmark's driver (run.sh builds the binaries): one
PostgreSQL, moto_server for the secret and the SQS stand-in for the whole
run; for each case the workflow table is refilled with WORKFLOWS due rows
(eight expressions in eight zones), K dispatchers are started at once, and
the rate is WORKFLOWS over the time until the last one exits. Each round
checks exactly-once: WORKFLOWS executions, all sent, and (with SQS)
WORKFLOWS distinct messages, no duplicate."""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "dispatch"))
import harness  # noqa: E402

N = int(os.environ.get("WORKFLOWS", "20000"))
BATCH = os.environ.get("BATCH", "100")
ROUNDS = int(os.environ.get("ROUNDS", "2"))
CLAIM = os.environ["CLAIM_BENCH"]


def refill(env):
    env.pg.sql("TRUNCATE cloudcron_executions, cloudcron_workflows")
    harness.insert_workflows(env.pg, N, prefix="b")
    env.pg.sql("VACUUM ANALYZE cloudcron_workflows")
    with env.q.lock:
        env.q.messages.clear()


def run_case(env, k, with_sqs, secret_file):
    refill(env)
    t0 = time.perf_counter()
    if with_sqs:
        procs = [env.start(timeout=600, CLOUDCRON_DISPATCH_BATCH=BATCH) for _ in range(k)]
    else:
        procs = [subprocess.Popen([CLAIM, secret_file, BATCH], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(k)]
    outs = [p.communicate() for p in procs]
    dt = time.perf_counter() - t0
    got = sum(json.loads(o.decode().strip().splitlines()[-1])["dispatched"] for o, _ in outs)
    rows = env.pg.sql("SELECT count(*), count(sent_at), count(DISTINCT workflow_id) "
                      "FROM cloudcron_executions")[0]
    ok = got == N and rows == [str(N)] * 3
    if with_sqs:
        ids = [m["execution_id"] for m in env.q.bodies()]
        ok = ok and len(ids) == N and len(set(ids)) == N
    if not ok:
        sys.exit(f"exactly-once check failed: {k} dispatchers, sqs={with_sqs}: {got} {rows} "
                 f"{[e.decode()[-500:] for _, e in outs]}")
    return N / dt


with harness.Env() as env, tempfile.NamedTemporaryFile("w", suffix=".json") as sf:
    json.dump(env.pg.secret(), sf)
    sf.flush()
    best = {}
    for r in range(ROUNDS):
        for with_sqs in (True, False):
            for k in (1, 2, 4):
                rate = run_case(env, k, with_sqs, sf.name)
                key = (with_sqs, k)
                best[key] = max(best.get(key, 0), rate)
    load = open("/proc/loadavg").read().split()[:3]
    print(f"{N} due workflows, batch {BATCH}, best of {ROUNDS} rounds; {os.cpu_count()} CPUs, "
          f"load {' '.join(load)}")
    print(f"{'case':40s} {'1':>10s} {'2':>10s} {'4':>10s}   workflows/s by dispatchers")
    print(f"{'dispatch to the SQS stand-in':40s} " +
          " ".join(f"{best[(True, k)]:10.0f}" for k in (1, 2, 4)))
    print(f"{'claim + advance, no SQS':40s} " +
          " ".join(f"{best[(False, k)]:10.0f}" for k in (1, 2, 4)))
