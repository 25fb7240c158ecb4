#!/usr/bin/env python3
"""A dispatcher killed with SIGKILL in the middle of a run, then another
run, against a real PostgreSQL, the secret in moto_server and the loopback
SQS stand-in (slowed to 20 ms a call so the kill lands mid-send: after 650 messages,
half-way through a batch of 100). The
killed run has a 10-second deadline, so the executions it committed are
leased to it until then (plus a second); the next run starts after that.
Checked, on a standard queue: every due workflow has exactly one
execution, every execution reached the queue, a message was duplicated
only for an execution that was in flight at the kill (taken twice:
attempts 2), and the duplicates are counted and printed; on a FIFO queue
the same, and the duplicates are the ones SQS's deduplication (by
execution id) drops, so the worker sees each execution once. A run that
starts while the killed run's lease holds leaves its executions alone."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

c = harness.Checks("dispatch_kill")
N = 3000
TIMEOUT = 10


def scenario(name, queue):
    with harness.Env(queue=queue) as env:
        harness.insert_workflows(env.pg, N, prefix="k", schedules=harness.SLOW_SCHEDULES)
        env.q.delay = 0.02
        t0 = time.time()
        p = env.start(timeout=TIMEOUT, CLOUDCRON_DISPATCH_BATCH="100",
                      CLOUDCRON_DEADLINE_MARGIN_MS="300")
        while len(env.q.messages) + env.q.deduplicated < 650 and p.poll() is None:
            time.sleep(0.005)
        p.send_signal(signal.SIGKILL)
        p.wait()
        killed_at = len(env.q.messages)
        if p.returncode != -signal.SIGKILL:
            c.fail(f"{name}: the first run ended by itself ({p.returncode}) before the kill")
            return
        state = env.pg.sql("SELECT count(*), count(sent_at) FROM cloudcron_executions")[0]
        in_flight = int(state[0]) - int(state[1])
        # a run inside the killed run's lease must not touch its executions
        r, rc, err = env.dispatch(CLOUDCRON_DISPATCH_BATCH="100")
        c.eq(f"{name}: a run during the lease resends", (r or {}).get("resent"), 0)
        time.sleep(max(0.0, t0 + TIMEOUT + 1.5 - time.time()))
        env.q.delay = 0
        r2, rc, err = env.dispatch(CLOUDCRON_DISPATCH_BATCH="100")
        c.eq(f"{name}: the run after the lease, exit", rc, 0)
        c.eq(f"{name}: resent after the lease", (r2 or {}).get("resent"), in_flight)
        c.eq(f"{name}: dispatched in all", int(env.pg.sql(
            "SELECT count(*) FROM cloudcron_executions")[0][0]), N)
        taken_twice = {x[0] for x in env.pg.sql(
            "SELECT id FROM cloudcron_executions WHERE attempts > 1")}
        dups = harness.check_outbox(c, env.pg, env.q, [f"k-{i}" for i in range(N)],
                                    allow_dup=taken_twice)
        if env.q.fifo:
            c.eq(f"{name}: duplicates reaching the worker on FIFO", dups, 0)
        print(f"{name}: killed after {killed_at} messages; {in_flight} executions committed "
              f"but not marked sent; {dups} duplicate messages delivered, "
              f"{env.q.deduplicated} dropped by FIFO deduplication; next runs {r} {r2}")


scenario("standard", harness.QUEUE)
scenario("fifo", harness.QUEUE + ".fifo")
c.finish()
