#!/usr/bin/env python3
"""Two cloudcron-dispatch processes racing over 10,000 due workflows
(eight expressions in eight zones), 1,000 not due yet and 200 never seen
(next_run_at NULL), against a real PostgreSQL, the secret in moto_server
and the loopback SQS stand-in. Checked: each due workflow fired exactly
once (one execution row, one message with its ids, scheduled_for and
payload), nothing not due fired, the NULL rows got a next_run_at without
firing, every advanced next_run_at equals `cloudcron next` for the
workflow's expression and zone after the instant it was advanced, both
dispatchers' results add up (a run fires only what was due when it
started), and a third run fires only what fell due since. The
schema is applied twice (it is idempotent)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

c = harness.Checks("dispatch_race")
with harness.Env() as env:
    env.pg.apply_schema()  # a second time: nothing changes, nothing fails
    harness.insert_workflows(env.pg, 10000, due=True, prefix="due")
    harness.insert_workflows(env.pg, 1000, due=False, prefix="later")
    env.pg.sql("INSERT INTO cloudcron_workflows (id, schedule, timezone) SELECT 'new-' || g, "
               "'rate(10 minutes)', 'Europe/Rome' FROM generate_series(1, 200) g")
    procs = [env.start(CLOUDCRON_DISPATCH_BATCH="100") for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    results = [harness.result_of(o) for o, _ in outs]
    for p, (o, e), r in zip(procs, outs, results):
        if p.returncode != 0 or r is None:
            c.fail(f"a dispatcher exited {p.returncode}: {e.decode()[-1500:]}")
    if all(results):
        c.eq("dispatched, both runs", sum(r["dispatched"] for r in results), 10000)
        c.eq("failed, both runs", sum(r["failed"] for r in results), 0)
        c.eq("resent, both runs", sum(r["resent"] for r in results), 0)
        print("dispatchers:", results)
    due = [f"due-{i}" for i in range(10000)]
    later = [f"later-{i}" for i in range(1000)] + [f"new-{i}" for i in range(1, 201)]
    harness.check_outbox(c, env.pg, env.q, due, later)
    c.eq("protocol mistakes the stand-in saw", env.q.errors, [])
    c.eq("NULL next_run_at left", env.pg.sql(
        "SELECT count(*) FROM cloudcron_workflows WHERE next_run_at IS NULL"), [["0"]])
    groups = harness.check_next(c, env.pg, due + [f"new-{i}" for i in range(1, 201)])
    print(f"next_run_at checked against cloudcron next in {groups} groups")
    # a third run fires only what fell due since (the every-minute rows)
    before = {x[0] for x in env.pg.sql(
        "SELECT id FROM cloudcron_workflows WHERE next_run_at <= now()")}
    r, rc, err = env.dispatch()
    twice = {x[0] for x in env.pg.sql(
        "SELECT workflow_id FROM cloudcron_executions GROUP BY 1 HAVING count(*) = 2")}
    every_minute = {f"due-{i}" for i in range(10000) if i % 8 == 7}
    c.eq("a third run's resent and failed", (r or {}).get("resent"), 0)
    c.eq("due before the third run but not fired by it", sorted(before - twice)[:5], [])
    c.eq("fired by the third run but not due", sorted(twice - before - every_minute)[:5], [])
    c.eq("the third run's count", (r or {}).get("dispatched"), len(twice))
c.finish()
