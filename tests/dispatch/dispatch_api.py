#!/usr/bin/env python3
"""cloudcron-dispatch as Lambda runs it: the real binary under a local
Runtime API (tests/handlers/lambda_api.py), against a real PostgreSQL, the
secret in moto_server, and moto's own SQS (a FIFO queue, read back with
ReceiveMessage) or the loopback stand-in. Checked:

- two invocations in one container: the responses, the messages moto's SQS
  holds (bodies, MessageGroupId = workflow id, MessageDeduplicationId =
  execution id), the second invocation finding nothing due;
- a row with an invalid schedule and one with an unknown zone fail alone
  (counted, an ERROR line with the id, schedule_error set, skipped by later
  runs); changing the schedule clears the error and computes next_run_at
  without firing;
- NULL next_run_at computed without firing; at() fired once then
  next_run_at = infinity; an at() already past never fires; a disabled
  workflow does not fire;
- a deadline too near: nothing taken, the response still posted;
- a database outage across invocations (connection closed, new ones
  refused until after the failed invocation's deadline): the next
  invocation connects again and dispatches;
- the password in no output, also when the database refuses it; a secret
  without host; init errors (no CLOUDCRON_DB_SECRET, a bad
  CLOUDCRON_DISPATCH_BATCH) posted to init/error; --help."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import lambda_api as la  # noqa: E402
import pg_util  # noqa: E402

c = harness.Checks("dispatch_api")
BIN = harness.DISPATCH


def invoke(env, events, name, want_rc=0, **extra):
    e = la.base_env(**{k: v for k, v in env.env(**extra).items()
                       if k.startswith(("CLOUDCRON_", "AWS_"))})
    e = {k: v for k, v in e.items() if v is not None}
    api, proc = la.run([BIN], e, events)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    if pg_util.PASSWORD in out or "superpw" in out:
        c.fail(f"{name}: the password appears in the output")
    # 0 when the Runtime API ends the conversation, 1 after an init error;
    # anything else (a sanitizer's or valgrind's exit code) is a failure
    c.eq(f"{name}: exit status", proc.returncode, want_rc)
    if proc.returncode != want_rc:
        c.fail(f"{name}: {out[-3000:]}")
    return api, la.log_lines(proc.stderr), out


def ev(rid, deadline_ms=None):
    return la.Event(rid, json.dumps({"source": "aws.scheduler", "detail": {}}), deadline_ms)


with harness.Env() as env:
    pg = env.pg
    sqs = env.moto.client("sqs")
    qurl = sqs.create_queue(QueueName="requests.fifo",
                            Attributes={"FifoQueue": "true"})["QueueUrl"]
    pg.sql("""INSERT INTO cloudcron_workflows (id, schedule, timezone, payload, next_run_at) VALUES
      ('a', 'cron(0 8 * * ? *)', 'Europe/Rome', '{"k": [1, "x"]}', now() - interval '5 minutes'),
      ('b', 'rate(3 hours)', 'UTC', '{}', now() - interval '2 days'),
      ('bad', 'cron(0 8 * *)', 'UTC', '{}', now() - interval '1 minute'),
      ('badzone', 'rate(1 hour)', 'Mars/Olympus', '{}', now() - interval '1 minute'),
      ('once', 'at(2026-01-01T00:00:00)', 'UTC', '{}', now() - interval '1 minute'),
      ('off', 'rate(1 hour)', 'UTC', '{}', now() - interval '1 minute')""")
    pg.sql("""UPDATE cloudcron_workflows SET enabled = false WHERE id = 'off';
      INSERT INTO cloudcron_workflows (id, schedule, timezone) VALUES
      ('fresh', 'cron(0 12 ? * SUN *)', 'America/Los_Angeles'),
      ('past', 'at(2020-01-01T00:00:00)', 'UTC')""")
    api, logs, out = invoke(env, [ev("r1"), ev("r2")], "moto",
                            CLOUDCRON_QUEUE_URL=qurl, AWS_ENDPOINT_URL_SQS=None,
                            CLOUDCRON_LOG_LEVEL="DEBUG")
    c.eq("r1 response", api.posts.get("r1/response", [None])[0],
         {"dispatched": 3, "resent": 0, "failed": 2})
    c.eq("r2 response", api.posts.get("r2/response", [None])[0],
         {"dispatched": 0, "resent": 0, "failed": 0})
    msgs = []
    for _ in range(5):
        got = sqs.receive_message(QueueUrl=qurl, MaxNumberOfMessages=10,
                                  AttributeNames=["All"]).get("Messages", [])
        if not got:
            break
        msgs += got
        for m in got:
            sqs.delete_message(QueueUrl=qurl, ReceiptHandle=m["ReceiptHandle"])
    rows = {r[0]: r for r in pg.sql(
        "SELECT e.workflow_id, e.id, to_char(e.scheduled_for AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS'), w.payload::text FROM cloudcron_executions e "
        "JOIN cloudcron_workflows w ON w.id = e.workflow_id")}
    c.eq("executions", sorted(rows), ["a", "b", "once"])
    c.eq("messages in moto's queue", len(msgs), 3)
    for m in msgs:
        body = json.loads(m["Body"])
        r = rows.get(body.get("workflow_id"))
        if not r:
            c.fail(f"a message for no execution: {m['Body']}")
            continue
        c.eq(f"{r[0]}: execution_id", body["execution_id"], r[1])
        c.eq(f"{r[0]}: payload", body["payload"], json.loads(r[3]))
        if not body["scheduled_for"].startswith(r[2]) or not body["scheduled_for"].endswith("Z"):
            c.fail(f"{r[0]}: scheduled_for {body['scheduled_for']} for {r[2]}")
        c.eq(f"{r[0]}: MessageGroupId", m["Attributes"].get("MessageGroupId"), r[0])
        c.eq(f"{r[0]}: MessageDeduplicationId",
             m["Attributes"].get("MessageDeduplicationId"), r[1])
    state = {r[0]: r[1:] for r in pg.sql(
        "SELECT id, next_run_at::text, schedule_error FROM cloudcron_workflows")}
    c.eq("once: next_run_at after its at()", state["once"][0], "infinity")
    c.eq("past: an at() already past", state["past"][0], "infinity")
    c.eq("off: a disabled workflow keeps its time", state["off"][0] < state["a"][0], True)
    if not state["bad"][1].startswith("schedule, column"):
        c.fail(f"bad: schedule_error {state['bad'][1]!r}")
    c.eq("badzone: schedule_error", state["badzone"][1],
         'timezone "Mars/Olympus" is not an IANA time zone')
    errs = [x for x in logs if x.get("level") == "ERROR"]
    c.eq("ERROR lines naming the failed rows", sorted(x.get("workflow_id") for x in errs),
         ["bad", "badzone"])
    harness.check_next(c, pg, ["a", "b", "fresh"])
    # a person fixes the schedule: the error goes, the next time is computed
    pg.sql("UPDATE cloudcron_workflows SET schedule = 'cron(0 8 * * ? *)' WHERE id = 'bad'")
    c.eq("fixed: error and next_run_at cleared", pg.sql(
        "SELECT schedule_error IS NULL, next_run_at IS NULL FROM cloudcron_workflows "
        "WHERE id = 'bad'"), [["t", "t"]])
    api, logs, out = invoke(env, [ev("r3")], "fixed", CLOUDCRON_QUEUE_URL=qurl,
                            AWS_ENDPOINT_URL_SQS=None)
    c.eq("fixed: r3", api.posts.get("r3/response", [None])[0],
         {"dispatched": 0, "resent": 0, "failed": 0})
    harness.check_next(c, pg, ["bad"])

    # the deadline: nothing taken when it is too near, the answer still posted
    pg.sql("UPDATE cloudcron_workflows SET next_run_at = now() - interval '1 minute' "
           "WHERE id = 'b'")
    api, logs, out = invoke(env, [ev("r4", str(int(time.time() * 1000) + 1500))], "deadline")
    c.eq("deadline: r4", api.posts.get("r4/response", [None])[0],
         {"dispatched": 0, "resent": 0, "failed": 0})
    if not any(x.get("stopped_by_deadline") for x in logs):
        c.fail("deadline: no line says the deadline stopped the run")

    # a database outage across invocations: the server closes the
    # connection and refuses new ones (here: the secret holds a wrong
    # password) during r10, whose deadline then passes; when the database is
    # back, r11 connects again, reading the secret within its own deadline
    # (not r10's, long gone) and dispatches
    sm = env.moto.client("secretsmanager")
    pg.sql("UPDATE cloudcron_workflows SET next_run_at = now() + interval '1 day'")
    r10 = ev("r10")
    d10 = []

    def outage():
        # r10's deadline, from when it is served (a slow build takes a while
        # over r9): 8 seconds, past the margin
        d10.append(int(time.time() * 1000) + 8000)
        r10.deadline_ms = str(d10[0])
        sm.put_secret_value(SecretId=env.secret_arn, SecretString=json.dumps(dict(pg.secret(), password="nope")))
        pg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
               "WHERE application_name = 'cloudcron-dispatch'", user="postgres", password="superpw")

    def back():
        time.sleep(max(0.0, d10[0] / 1000 + 0.5 - time.time()))
        sm.put_secret_value(SecretId=env.secret_arn, SecretString=json.dumps(pg.secret()))
        pg.sql("UPDATE cloudcron_workflows SET next_run_at = now() - interval '1 minute' "
               "WHERE id IN ('a', 'b')")

    class Hooked(list):
        """The Runtime API's event list: a hook runs before r10 and r11."""
        def pop(self, i=-1):
            {2: outage, 1: back}.get(len(self), lambda: None)()
            return super().pop(i)

    e = la.base_env(**{k: v for k, v in env.env().items() if k.startswith(("CLOUDCRON_", "AWS_"))})
    api = la.RuntimeApi([])
    api.events = Hooked([ev("r9"), r10, ev("r11")])
    try:
        proc = subprocess.run(la.wrap() + [BIN], env=dict(e, AWS_LAMBDA_RUNTIME_API=api.address),
                              capture_output=True, timeout=120)
    finally:
        api.close()
    c.eq("outage: r9", api.posts.get("r9/response", [None])[0],
         {"dispatched": 0, "resent": 0, "failed": 0})
    if "password authentication failed" not in api.posts.get("r10/error", [{}])[0].get("errorMessage", ""):
        c.fail(f"outage: r10 {api.posts.get('r10/error')}")
    c.eq("outage: r11 once the database is back", api.posts.get("r11/response", [None])[0],
         {"dispatched": 2, "resent": 0, "failed": 0})
    c.eq("outage: exit status", proc.returncode, 0)
    if pg_util.PASSWORD.encode() in proc.stderr + proc.stdout or b"nope" in proc.stderr + proc.stdout:
        c.fail("outage: a password appears in the output")

    # the database refuses the password; a secret without host
    wrong = dict(pg.secret(), password="superpw")
    sm.put_secret_value(SecretId=env.secret_arn, SecretString=json.dumps(wrong))
    api, logs, out = invoke(env, [ev("r5")], "refused")
    e5 = api.posts.get("r5/error", [{}])[0]
    if "password authentication failed" not in e5.get("errorMessage", ""):
        c.fail(f"refused: the error {e5}")
    nohost = dict(pg.secret())
    del nohost["host"]
    sm.put_secret_value(SecretId=env.secret_arn, SecretString=json.dumps(nohost))
    api, logs, out = invoke(env, [ev("r6")], "nohost")
    c.eq("nohost: the error", api.posts.get("r6/error", [{}])[0].get("errorMessage"),
         f"CLOUDCRON_DB_SECRET {env.secret_arn}: the database secret's \"host\" is missing")

    # init errors
    api, logs, out = invoke(env, [ev("r7")], "nosecret", 1, CLOUDCRON_DB_SECRET="")
    if "CLOUDCRON_DB_SECRET" not in json.dumps(api.posts.get("init/error", [{}])[0]):
        c.fail(f"nosecret: init/error {api.posts}")
    api, logs, out = invoke(env, [ev("r8")], "batch", 1, CLOUDCRON_DISPATCH_BATCH="5000")
    if "CLOUDCRON_DISPATCH_BATCH" not in json.dumps(api.posts.get("init/error", [{}])[0]):
        c.fail(f"batch: init/error {api.posts}")
    h = subprocess.run([BIN, "--help"], capture_output=True, text=True)
    if h.returncode != 0 or "--event" not in h.stdout:
        c.fail(f"--help: {h.returncode} {h.stdout}")
c.finish()
