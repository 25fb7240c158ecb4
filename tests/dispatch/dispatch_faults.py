#!/usr/bin/env python3
"""cloudcron-dispatch against a queue that fails, with a real PostgreSQL,
the secret in moto_server and the loopback SQS stand-in injecting:

  flaky:     every 5th call a 500, every 7th a 400 ThrottlingException, and
             about one entry in eight listed as Failed (not the sender's
             fault): 3,000 due workflows all reach the queue exactly once
             in one run (calls and entries retried), nothing lost;
  outage:    every call a 503 for one run: that run records its first
             batch of executions, sends none, reports them failed and takes
             no more workflows; the next run (queue back) resends them
             ("resent") and dispatches the rest: each exactly once;
  refused:   entries SQS refuses as the sender's fault are not retried:
             they stay unsent with last_error, and a later run sends them;
  fifo:      a FIFO queue gets MessageGroupId = workflow id and
             MessageDeduplicationId = execution id on every entry."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

c = harness.Checks("dispatch_faults")


def ids(prefix, n):
    return [f"{prefix}-{i}" for i in range(n)]


# flaky
with harness.Env() as env:
    harness.insert_workflows(env.pg, 3000, prefix="f", schedules=harness.SLOW_SCHEDULES)
    env.q.fail_call = lambda n: (500, "InternalError") if n % 5 == 0 else \
        (400, "ThrottlingException") if n % 7 == 0 else None
    rnd = random.Random(16)  # each attempt of an entry fails with odds 1/8
    env.q.fail_entry = lambda i, e: ("InternalError", False) if rnd.random() < 0.125 else None
    r, rc, err = env.dispatch(CLOUDCRON_DISPATCH_BATCH="200")
    c.eq("flaky: exit", rc, 0)
    c.eq("flaky: result", r, {"dispatched": 3000, "resent": 0, "failed": 0})
    if env.q.failed_calls < 20 or env.q.failed_entries < 100:
        c.fail(f"flaky: too few injected failures ({env.q.failed_calls} calls, "
               f"{env.q.failed_entries} entries)")
    harness.check_outbox(c, env.pg, env.q, ids("f", 3000))
    c.eq("flaky: protocol mistakes", env.q.errors, [])
    print(f"flaky: {env.q.calls} calls, {env.q.failed_calls} failed, "
          f"{env.q.failed_entries} entries failed")

# outage, then recovery
with harness.Env() as env:
    harness.insert_workflows(env.pg, 500, prefix="o", schedules=harness.SLOW_SCHEDULES)
    env.q.fail_call = lambda n: (503, "ServiceUnavailable")
    r, rc, err = env.dispatch(CLOUDCRON_DISPATCH_BATCH="100")
    c.eq("outage: exit", rc, 0)
    c.eq("outage: result", r, {"dispatched": 0, "resent": 0, "failed": 100})
    c.eq("outage: executions recorded, unsent, with the error", env.pg.sql(
        "SELECT count(*), count(sent_at), count(last_error), count(lease_until) "
        "FROM cloudcron_executions"), [["100", "0", "100", "0"]])
    if "the queue failed" not in err:
        c.fail("outage: no log line says the queue failed")
    env.q.fail_call = lambda n: None
    r, rc, err = env.dispatch(CLOUDCRON_DISPATCH_BATCH="100")
    c.eq("outage: the run after", r, {"dispatched": 400, "resent": 100, "failed": 0})
    harness.check_outbox(c, env.pg, env.q, ids("o", 500))
    c.eq("outage: attempts of the resent", env.pg.sql(
        "SELECT attempts, count(*) FROM cloudcron_executions GROUP BY 1 ORDER BY 1"),
        [["1", "400"], ["2", "100"]])

# entries refused as the sender's fault
with harness.Env() as env:
    harness.insert_workflows(env.pg, 40, prefix="s", schedules=harness.SLOW_SCHEDULES)
    env.q.fail_entry = lambda i, e: ("InvalidMessageContents", True) if '"s-3"' in e["MessageBody"] else None
    r, rc, err = env.dispatch()
    c.eq("refused: result", r, {"dispatched": 39, "resent": 0, "failed": 1})
    c.eq("refused: the row", env.pg.sql(
        "SELECT workflow_id, sent_at IS NULL, last_error FROM cloudcron_executions "
        "WHERE sent_at IS NULL"), [["s-3", "t", "InvalidMessageContents: injected"]])
    c.eq("refused: calls (no retry of a sender fault)", env.q.calls, 4)
    env.q.fail_entry = lambda i, e: None
    r, rc, err = env.dispatch()
    c.eq("refused: the run after", r, {"dispatched": 0, "resent": 1, "failed": 0})
    harness.check_outbox(c, env.pg, env.q, ids("s", 40))

# FIFO
with harness.Env(queue=harness.QUEUE + ".fifo") as env:
    harness.insert_workflows(env.pg, 100, prefix="q", schedules=harness.SLOW_SCHEDULES)
    r, rc, err = env.dispatch()
    c.eq("fifo: result", r, {"dispatched": 100, "resent": 0, "failed": 0})
    c.eq("fifo: protocol mistakes", env.q.errors, [])
    with env.q.lock:
        bad = [e for m, e in env.q.messages if e.get("MessageGroupId") != m["workflow_id"]
               or e.get("MessageDeduplicationId") != m["execution_id"]]
    c.eq("fifo: entries with the wrong group or dedup id", bad[:3], [])
    harness.check_outbox(c, env.pg, env.q, ids("q", 100))
c.finish()
