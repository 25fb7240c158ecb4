#!/usr/bin/env python3
"""One reconcile of N entries (default 10,000) against moto_server, nothing
to change: the group is first filled by a reconcile of the same config,
then timed: cloudcron-reconcile through the local Runtime API (list 100
pages, N GetSchedule at concurrency 8, read+check+diff), the same at
concurrency 1, and the peer (peer.py: boto3, sequential, as the seed's).
Each reports all N unchanged; the medians of REPS runs are printed.
  bench.py RECONCILE_BIN [N] [REPS]"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../../handlers"))
sys.path.insert(0, os.path.join(HERE, "../../runtime"))
import lambda_api as la  # noqa: E402
from moto_util import Moto  # noqa: E402

BIN = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
REPS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
TARGET = "arn:aws:lambda:us-east-1:123456789012:function:worker"
ROLE = "arn:aws:iam::123456789012:role/sched"
ZONES = ["UTC", "Europe/Rome", "America/New_York", "Asia/Tokyo"]

with tempfile.TemporaryDirectory() as tmp, Moto() as moto:
    moto.client("scheduler").create_schedule_group(Name="bench")
    q = {}
    for i in range(N):
        expr = [f"cron({i % 60} {i % 24} * * ? *)", f"rate({2 + i % 50} minutes)",
                f"cron({i % 60} {i % 24} ? * MON-FRI *)"][i % 3]
        q[f"q{i:05d}"] = {"schedule": expr, "timezone": ZONES[i % 4], "type": "export",
                          "query": "SELECT count(*) FROM notifications WHERE day = current_date", "threshold": i}
    path = os.path.join(tmp, "queries.json")
    json.dump({"queries": q}, open(path, "w"))
    env = la.base_env(AWS_ENDPOINT_URL=moto.url, CLOUDCRON_RECONCILE_CONFIG_URL="file://" + path,
                      CLOUDCRON_RECONCILE_COLLECTION="queries", CLOUDCRON_SCHEDULE_GROUP="bench",
                      CLOUDCRON_SCHEDULE_PREFIX="pn-", CLOUDCRON_SCHEDULER_ROLE_ARN=ROLE,
                      CLOUDCRON_SCHEDULE_TARGET_ARN=TARGET, CLOUDCRON_RECONCILE_MAX_BYTES=str(64 << 20))

    def reconcile(conc):
        t0 = time.perf_counter()
        api, proc = la.run([BIN], dict(env, CLOUDCRON_RECONCILE_CONCURRENCY=str(conc)),
                           [la.Event("r", "{}")], timeout=1800)
        dt = time.perf_counter() - t0
        return dt, la.response(api, "r"), proc

    dt, res, proc = reconcile(8)
    if not res or res["created"] != N:
        sys.exit(f"fill: {res} {proc.stderr.decode()[-1000:]}")
    print(f"fill: created {N} schedules in {dt:.1f} s")
    want = {"created": 0, "updated": 0, "deleted": 0, "unchanged": N, "failed": 0}
    rows = []
    for label, fn in (("cloudcron-reconcile, concurrency 8", lambda: reconcile(8)),
                      ("cloudcron-reconcile, concurrency 1", lambda: reconcile(1)),
                      ("peer: Python boto3, sequential", None)):
        times = []
        for _ in range(REPS):
            if fn:
                dt, res, proc = fn()
                if res != want:
                    sys.exit(f"{label}: {res} {proc.stderr.decode()[-1000:]}")
            else:
                t0 = time.perf_counter()
                out = subprocess.run([sys.executable, os.path.join(HERE, "peer.py"), moto.url, path, "bench",
                                      "pn-", TARGET, ROLE], capture_output=True, text=True, timeout=1800)
                dt = time.perf_counter() - t0
                if json.loads(out.stdout or "{}") != {k: v for k, v in want.items() if k != "failed"}:
                    sys.exit(f"peer: {out.stdout} {out.stderr[-1000:]}")
            times.append(dt)
        rows.append((label, statistics.median(times)))
        print(f"{label}: {statistics.median(times):.2f} s (median of {REPS}; all {N} unchanged)")
    base = rows[0][1]
    for label, t in rows[1:]:
        print(f"  {label}: {t / base:.1f}x the time of concurrency 8")
