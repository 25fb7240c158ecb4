"""What the dispatcher's tests and benchmark share: a PostgreSQL server
(pg_util), moto_server holding the database secret, the SQS stand-in, the
dispatcher run locally (--event) or under a local Runtime API, and the
checks every scenario ends with (one execution per due workflow and time,
every execution in the queue, next_run_at as `cloudcron next` computes
it)."""
import collections
import datetime
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "runtime"))
sys.path.insert(0, os.path.join(HERE, "..", "handlers"))
import pg_util  # noqa: E402
import sqs_standin  # noqa: E402
from moto_util import Moto  # noqa: E402

BIN_DIR = os.environ.get("CC_BIN") or os.path.join(HERE, "..", "..", "build", "bin")
DISPATCH = os.path.join(BIN_DIR, "cloudcron-dispatch")
CLOUDCRON = os.path.join(BIN_DIR, "cloudcron")
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/requests"

# Expressions and zones the volume tests spread their workflows over.
SCHEDULES = [("cron(0/5 * * * ? *)", "UTC"), ("cron(30 2 * * ? *)", "America/New_York"),
             ("cron(0 9 ? * MON-FRI *)", "Asia/Kolkata"), ("rate(7 minutes)", "UTC"),
             ("cron(15 10 L * ? *)", "Europe/Rome"), ("cron(0 0 1 1 ? 2099)", "Pacific/Chatham"),
             ("rate(1 day)", "Australia/Lord_Howe"), ("cron(* * * * ? *)", "Europe/Dublin")]
# Schedules that cannot fire again within a test (a day or more apart,
# counted from the run), for the tests that count executions across runs
# minutes apart.
SLOW_SCHEDULES = [("rate(1 day)", "Australia/Lord_Howe"), ("cron(0 0 1 1 ? 2099)", "Pacific/Chatham"),
                  ("rate(2 days)", "UTC")]


class Env:
    """PostgreSQL with the schema, moto_server with the secret, the SQS
    stand-in; env() is the dispatcher's environment."""

    def __init__(self, queue=QUEUE):
        self.pg = pg_util.Postgres()
        try:
            self.pg.apply_schema()
            self.moto = Moto()
            sm = self.moto.client("secretsmanager")
            self.secret_arn = sm.create_secret(Name="flows-db",
                                               SecretString=json.dumps(self.pg.secret()))["ARN"]
            self.q = sqs_standin.StandIn(queue)
        except BaseException:
            self.close()
            raise

    def env(self, **extra):
        e = self.moto.env(CLOUDCRON_DB_SECRET=self.secret_arn, CLOUDCRON_QUEUE_URL=self.q.queue_url,
                          AWS_ENDPOINT_URL_SQS=self.q.url, CLOUDCRON_DB_SSLMODE="disable")
        e = {k: v for k, v in e.items() if not k.startswith("PG")}
        e.update(extra)
        return e

    def start(self, timeout=60, **extra):
        """One local dispatch, started (a Popen) with its event ({}) already
        written: read its output with communicate()."""
        p = subprocess.Popen([DISPATCH, "--event", "-", "--timeout", str(timeout)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=self.env(**extra))
        p.stdin.write(b"{}")
        p.stdin.close()
        p.stdin = None
        return p

    def dispatch(self, timeout=60, **extra):
        """One local dispatch; returns (its JSON result or None, exit
        status, stderr text)."""
        p = self.start(timeout, **extra)
        out, err = p.communicate(timeout=300)
        return result_of(out), p.returncode, err.decode(errors="replace")

    def close(self):
        for x in ("q", "moto", "pg"):
            if getattr(self, x, None):
                getattr(self, x).close() if x != "pg" else self.pg.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def result_of(out):
    try:
        return json.loads(out.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def insert_workflows(pg, n, due=True, prefix="wf", start=0, schedules=SCHEDULES):
    """n workflows spread over schedules: due (next_run_at in the past) or
    not (next_run_at an hour ahead)."""
    when = "now() - interval '90 seconds'" if due else "now() + interval '1 hour'"
    k = len(schedules)
    exprs = "ARRAY[" + ",".join(f"'{s}'" for s, _ in schedules) + "]"
    zones = "ARRAY[" + ",".join(f"'{z}'" for _, z in schedules) + "]"
    pg.sql(f"""INSERT INTO cloudcron_workflows (id, schedule, timezone, payload, next_run_at)
      SELECT '{prefix}-' || g, ({exprs})[1 + g % {k}], ({zones})[1 + g % {k}],
             json_build_object('n', g, 'note', 'caf\u00e9 "q"'), {when} - (g % 50) * interval '1 second'
      FROM generate_series({start}, {start + n - 1}) g""")


class Checks:
    def __init__(self, name):
        self.name = name
        self.fails = []

    def fail(self, msg):
        self.fails.append(msg)

    def eq(self, what, got, want):
        if got != want:
            self.fail(f"{what}: got {got!r}, want {want!r}")

    def finish(self):
        print(f"{self.name}: {len(self.fails)} failures")
        for f in self.fails[:40]:
            print("FAIL", f)
        sys.exit(1 if self.fails else 0)


def parse_time(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def check_outbox(c, pg, q, due_ids, not_due_ids=(), allow_dup=None):
    """Every due workflow has exactly one execution, sent; nothing not due
    has one; every execution's message reached the queue with the right
    body; duplicates only for the ids in allow_dup (an execution id set)
    when given, none otherwise. Returns the duplicates counted."""
    rows = pg.sql("SELECT e.id, e.workflow_id, e.sent_at IS NOT NULL, e.attempts, "
                  "to_char(e.scheduled_for AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), "
                  "e.payload::text FROM cloudcron_executions e")
    per_wf = collections.Counter(r[1] for r in rows)
    c.eq("workflows with more than one execution", sorted(w for w, n in per_wf.items() if n > 1)[:5], [])
    missing = set(due_ids) - set(per_wf)
    c.eq("due workflows without an execution", len(missing), 0)
    fired = set(not_due_ids) & set(per_wf)
    c.eq("workflows not due that fired", sorted(fired)[:5], [])
    c.eq("executions not marked sent", sum(1 for r in rows if r[2] != "t"), 0)
    got = collections.Counter(m["execution_id"] for m in q.bodies())
    by_id = {r[0]: r for r in rows}
    c.eq("executions never sent", len(set(by_id) - set(got)), 0)
    c.eq("messages for no execution", len(set(got) - set(by_id)), 0)
    dups = {i: n - 1 for i, n in got.items() if n > 1}
    if allow_dup is None:
        c.eq("duplicate messages", sum(dups.values()), 0)
    else:
        stray = set(dups) - set(allow_dup)
        c.eq("duplicates of executions that were not in flight", len(stray), 0)
    for m in q.bodies():
        r = by_id.get(m["execution_id"])
        if not r:
            continue
        if m["workflow_id"] != r[1] or parse_time(m["scheduled_for"]) != \
                parse_time(r[4] + "+00:00") or m["payload"] != json.loads(r[5]):
            c.fail(f"message {m} does not match its execution {r}")
            break
    return sum(dups.values())


def check_next(c, pg, ids=None):
    """next_run_at of every workflow the dispatcher advanced equals
    `cloudcron next EXPR --tz ZONE --after T` where T is the instant of the
    transaction that advanced it (updated_at, whole seconds)."""
    rows = pg.sql("SELECT id, schedule, timezone, "
                  "to_char(date_trunc('second', updated_at) AT TIME ZONE 'UTC', "
                  "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                  "CASE WHEN next_run_at = 'infinity' THEN 'none' ELSE "
                  "to_char(next_run_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') END "
                  "FROM cloudcron_workflows WHERE schedule_error IS NULL AND next_run_at IS NOT NULL")
    if ids is not None:
        ids = set(ids)
        rows = [r for r in rows if r[0] in ids]
    groups = collections.defaultdict(list)
    for wid, expr, zone, after, nxt in rows:
        groups[(expr, zone, after)].append((wid, nxt))
    for (expr, zone, after), items in groups.items():
        p = subprocess.run([CLOUDCRON, "next", expr, "--tz", zone, "--after", after, "-n", "1"],
                           capture_output=True, text=True)
        want = p.stdout.strip()
        for wid, nxt in items:
            if want == "":
                ok = nxt == "none"
            else:
                ok = nxt != "none" and parse_time(nxt + "+00:00") == parse_time(want)
            if not ok:
                c.fail(f"{wid}: next_run_at {nxt} but cloudcron next {expr} --tz {zone} "
                       f"--after {after} says {want or '(none)'} {p.stderr.strip()}")
                return
    return len(groups)
