#!/usr/bin/env python3
"""cloudcron-reconcile, the real binary, through a local Runtime API
(lambda_api.py) against moto_server: it converges an empty group to a
500-entry config, then through edits (changed cron, zone, input,
description, state, window; removals; additions; entries made invalid; an
at() that has passed), with the exact result counts after every run and the
group compared entry by entry with what the config asks (a Python oracle);
a second run reports everything unchanged; a schedule in the group without
the prefix and one with the prefix in another group are never touched; an
empty config, an unparsable one and an unreachable URL change nothing and
fail the invocation; a dry run changes nothing; ALLOW_EMPTY=true deletes
the managed ones only. The config comes from file:// and, once, from
https:// (loopback TLS), where a 404 and a body over the size limit also
change nothing."""
import copy
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime"))
import http.server  # noqa: E402

import lambda_api as la  # noqa: E402
import tlsserver  # noqa: E402
from moto_util import Moto  # noqa: E402

BIN = os.path.join(os.environ["CC_BIN"], "cloudcron-reconcile")
WORKER = "arn:aws:lambda:us-east-1:123456789012:function:query-executor"
ROLE = "arn:aws:iam::123456789012:role/queries-scheduler"
ZONES = ["UTC", "Europe/Rome", "America/New_York", "Asia/Tokyo"]
report = la.Report()
fail = report.fail


def window(v):
    if v is None or str(v).upper() == "OFF":
        return {"Mode": "OFF"}
    s = str(v)
    n = int(s[:-1]) * (60 if s.endswith("h") else 1) if s[-1] in "mh" else int(s)
    return {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": n}


def expected(cfg, default_zone="UTC"):
    """What the group should hold for cfg's valid entries: name -> tuple."""
    out = {}
    for qid, e in cfg["queries"].items():
        if e.get("_invalid"):
            continue
        expr = e.get("schedule", e.get("cron"))
        if expr.startswith("at(") and expr < "at(2026":
            continue  # passed: never created
        inp = dict(e)
        inp["id"] = qid
        out["pn-" + qid] = (expr, e.get("timezone") or default_zone, inp,
                            "ENABLED" if e.get("enabled", True) else "DISABLED",
                            window(e.get("flexible_window")), e.get("description"),
                            "DELETE" if expr.startswith("at(") else None)
    return out


def snapshot(sch, group):
    """The group as moto holds it: name -> the same tuple shape (input parsed)."""
    out, token = {}, None
    while True:
        kw = {"GroupName": group, "MaxResults": 100}
        if token:
            kw["NextToken"] = token
        page = sch.list_schedules(**kw)
        for s in page["Schedules"]:
            g = sch.get_schedule(GroupName=group, Name=s["Name"])
            t = g["Target"]
            out[s["Name"]] = (g["ScheduleExpression"], g["ScheduleExpressionTimezone"],
                              json.loads(t["Input"]) if t.get("Input") else None, g["State"],
                              g["FlexibleTimeWindow"], g.get("Description"),
                              g.get("ActionAfterCompletion") if g.get("ActionAfterCompletion") != "NONE" else None,
                              t["Arn"], t["RoleArn"])
        token = page.get("NextToken")
        if not token:
            return out


def initial():
    q = {}
    for i in range(500):
        e = {"query": f"SELECT {i} FROM notifications", "type": "export" if i % 3 else "alert"}
        if i % 50 == 7:
            e["schedule"] = f"at(2099-0{1 + i % 9}-1{i % 10}T09:30:00)"
        elif i % 5 == 1:
            e["cron"] = f"cron({i % 60} {i % 24} * * ? *)"  # the seed's other spelling
        elif i % 5 == 2:
            e["schedule"] = f"rate({1 + i % 30} minutes)"
        else:
            e["schedule"] = f"cron({i % 60} {i % 24} ? * MON-FRI *)"
        if i % 4 == 1:
            e["timezone"] = ZONES[i % len(ZONES)]
        if i % 6 == 0:
            e["description"] = f"query {i}"
        if i % 7 == 0:
            e["flexible_window"] = "15m" if i % 2 else "1h"
        if i % 11 == 0:
            e["enabled"] = False
        q[f"q{i:03d}"] = e
    return {"queries": q}


with tempfile.TemporaryDirectory() as tmp:
    moto = Moto(os.path.join(tmp, "moto.log"))
    try:
        sch = moto.client("scheduler")
        sch.create_schedule_group(Name="queries")
        sch.create_schedule_group(Name="other")
        tgt = {"Arn": WORKER, "RoleArn": ROLE}
        # never touched: no prefix in the group; the prefix in another group
        sch.create_schedule(Name="manual-job", GroupName="queries", ScheduleExpression="rate(1 day)",
                            FlexibleTimeWindow={"Mode": "OFF"}, Target=tgt)
        sch.create_schedule(Name="pn-q001", GroupName="other", ScheduleExpression="rate(2 days)",
                            FlexibleTimeWindow={"Mode": "OFF"}, Target=tgt)
        foreign_before = {("queries", "manual-job"): sch.get_schedule(GroupName="queries", Name="manual-job"),
                          ("other", "pn-q001"): sch.get_schedule(GroupName="other", Name="pn-q001")}
        cfg_path = os.path.join(tmp, "config.json")
        env = la.base_env(AWS_ENDPOINT_URL=moto.url,
                          CLOUDCRON_RECONCILE_CONFIG_URL="file://" + cfg_path,
                          CLOUDCRON_SCHEDULE_GROUP="queries", CLOUDCRON_SCHEDULE_PREFIX="pn-",
                          CLOUDCRON_SCHEDULER_ROLE_ARN=ROLE, CLOUDCRON_SCHEDULE_TARGET_ARN=WORKER,
                          CLOUDCRON_RECONCILE_COLLECTION="queries")
        run_no = [0]

        def reconcile(name, cfg, want, extra_env=None, raw=None):
            """One invocation on cfg; want: the counts, or ("error", text)."""
            report.cases += 1
            run_no[0] += 1
            with open(cfg_path, "w") as f:
                f.write(raw if raw is not None else json.dumps(
                    {"queries": {k: {x: y for x, y in v.items() if x != "_invalid"}
                                 for k, v in cfg["queries"].items()}}))
            rid = f"r{run_no[0]}"
            api, proc = la.run([BIN], dict(env, **(extra_env or {})), [la.Event(rid, "{}")], timeout=300)
            logs = la.log_lines(proc.stderr)
            if proc.returncode != 0:
                fail(name, f"exit {proc.returncode}: {proc.stderr.decode()[-1500:]}")
            if isinstance(want, tuple):
                got = api.posts.get(f"{rid}/error")
                if not got or want[1] not in got[0].get("errorMessage", ""):
                    fail(name, f"want an invocation error with {want[1]!r}, got {api.posts}")
                return logs
            got = la.response(api, rid)
            if got != want:
                fail(name, f"result {got}, want {want}")
            # one log line per change, as the seed's
            verbs = {"CREATE": "created", "UPDATE": "updated", "DELETE": "deleted", "FAILED": "failed"}
            for verb, key in verbs.items():
                n = sum(1 for l in logs if l.get("message", "").startswith(verb + ": "))
                if n != want[key]:
                    fail(name, f"{n} {verb} log lines, want {want[key]}")
            if not any(l.get("message", "").startswith("Reconciliation complete") and l.get("created") == want["created"]
                       for l in logs):
                fail(name, "no 'Reconciliation complete' line with the counts")
            return logs

        def check_group(name, cfg, kept=()):
            """kept: names of invalid entries whose old schedules must stay."""
            want = expected(cfg)
            got = snapshot(sch, "queries")
            managed = {k: v for k, v in got.items() if k.startswith("pn-") and k not in kept}
            if set(managed) != set(want):
                fail(name, f"group names differ: missing {sorted(set(want) - set(managed))[:5]}, "
                           f"extra {sorted(set(managed) - set(want))[:5]}")
            bad = [k for k in want if k in managed and (managed[k][:7] != want[k] or managed[k][7:] != (WORKER, ROLE))]
            if bad:
                k = bad[0]
                fail(name, f"{len(bad)} schedules differ from the config, e.g. {k}: {managed[k]} != {want[k]}")
            for (g, n), before in foreign_before.items():
                now = sch.get_schedule(GroupName=g, Name=n)
                if now["LastModificationDate"] != before["LastModificationDate"] or \
                        now["ScheduleExpression"] != before["ScheduleExpression"]:
                    fail(name, f"{g}/{n} was touched")
            return got

        def counts(c=0, u=0, d=0, n=0, f=0):
            return {"created": c, "updated": u, "deleted": d, "unchanged": n, "failed": f}

        # 1. empty group -> 500 entries
        cfg = initial()
        logs = reconcile("converge 500", cfg, counts(c=500))
        if not any(l.get("message") == "CREATE: pn-q000 (cron: cron(0 0 ? * MON-FRI *))" for l in logs):
            fail("converge 500", "no seed-style CREATE line for pn-q000")
        check_group("converge 500", cfg)
        # 2. again: all unchanged
        reconcile("second run", cfg, counts(n=500))

        # 3. edits
        cfg2 = copy.deepcopy(cfg)
        q = cfg2["queries"]
        ids = sorted(q)
        edits = {"cron": ids[10:20], "zone": ids[20:30], "input": ids[30:40], "desc": ids[40:43],
                 "state": ids[43:45], "window": ids[45:47], "remove": ids[100:120], "invalid": ids[200:205]}
        for i in edits["cron"]:
            q[i].pop("cron", None)
            q[i]["schedule"] = "cron(15 3 * * ? *)"
        for i in edits["zone"]:
            q[i]["timezone"] = "Australia/Sydney"
        for i in edits["input"]:
            q[i]["query"] += " WHERE x > 1"
        for i in edits["desc"]:
            q[i]["description"] = "changed"
        for i in edits["state"]:
            q[i]["enabled"] = not q[i].get("enabled", True)
        for i in edits["window"]:
            q[i]["flexible_window"] = "30m" if q[i].get("flexible_window") != "30m" else "OFF"
        for i in edits["remove"]:
            del q[i]
        for i in edits["invalid"]:
            q[i] = {"schedule": "cron(0 2 * * * *)", "_invalid": True}  # both days set
        for i in range(15):
            q[f"new{i:02d}"] = {"schedule": f"rate({i + 2} hours)", "query": f"SELECT new {i}"}
        q["gone-at"] = {"schedule": "at(2001-01-01T00:00:00)", "query": "too late"}
        n_upd = sum(len(edits[k]) for k in ("cron", "zone", "input", "desc", "state", "window"))
        n_unch = 500 - n_upd - 20 - 5 + 1  # + the at() that has passed
        before_invalid = {k: v for k, v in snapshot(sch, "queries").items() if k[3:] in edits["invalid"]}
        logs = reconcile("edits", cfg2, counts(c=15, u=n_upd, d=20, n=n_unch, f=5))
        if not any(l.get("message") == f"UPDATE: pn-{ids[10]} (cron: {cfg['queries'][ids[10]].get('schedule', cfg['queries'][ids[10]].get('cron'))} \u2192 cron(15 3 * * ? *))"
                   for l in logs):
            fail("edits", "no seed-style UPDATE line with the old and new cron")
        if not any(l.get("message") == f"DELETE: pn-{ids[100]} (removed from config)" for l in logs):
            fail("edits", "no seed-style DELETE line")
        bad_lines = [l for l in logs if l.get("message", "").startswith("FAILED: ")]
        if not all('field "schedule"' in l["message"] and "entry \"" in l["message"] for l in bad_lines):
            fail("edits", f"FAILED lines without entry id and field: {bad_lines[:2]}")
        got = check_group("edits", cfg2, kept=set(before_invalid))
        if len(before_invalid) != 5:
            fail("edits", f"{len(before_invalid)} schedules of the invalid entries existed, want 5")
        # the invalid entries' schedules stay exactly as they were
        for k, v in before_invalid.items():
            if got.get(k) != v:
                fail("edits", f"{k} (now invalid) was changed: {got.get(k)} != {v}")
        # 4. again: nothing to do but the same failures
        reconcile("edits again", cfg2, counts(n=n_unch + n_upd + 15, f=5))

        # 5. nothing changes: an empty config, one that is not JSON, an unreachable URL
        snap = snapshot(sch, "queries")
        reconcile("empty config", {"queries": {}}, ("error", "nothing was deleted"))
        reconcile("not JSON", None, ("error", "nothing was changed"), raw='{"queries": {"a": ')
        reconcile("no collection", None, ("error", "no collection"), raw='{"schedules": {}}')
        reconcile("unreachable", cfg2, ("error", "Failed to fetch config"),
                  extra_env={"CLOUDCRON_RECONCILE_CONFIG_URL": "https://127.0.0.1:9/config.json",
                             "CLOUDCRON_RECONCILE_TIMEOUT_MS": "2000"})
        reconcile("http refused", cfg2, ("error", "Failed to fetch config"),
                  extra_env={"CLOUDCRON_RECONCILE_CONFIG_URL": "http://127.0.0.1:9/config.json"})
        cfg3 = copy.deepcopy(cfg2)
        del cfg3["queries"][ids[300]]
        reconcile("dry run", cfg3, dict(counts(d=1, n=n_unch + n_upd + 15 - 1, f=5), dry_run=True),
                  extra_env={"CLOUDCRON_RECONCILE_DRY_RUN": "true"})
        # over https (loopback TLS, trusted through AWS_CA_BUNDLE): the same
        # config, nothing to do; a 404 and a config over the size limit
        # change nothing and fail
        body = json.dumps({"queries": {k: {x: y for x, y in v.items() if x != "_invalid"}
                                       for k, v in cfg2["queries"].items()}}).encode()

        class Site(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                ok = self.path == "/acme/infra/0123abc/queries.json"
                self.send_response(200 if ok else 404)
                self.send_header("Content-Length", str(len(body) if ok else 0))
                self.end_headers()
                if ok:
                    self.wfile.write(body)

        srv, base, cert = tlsserver.serve(Site, tmp)
        try:
            https = {"CLOUDCRON_RECONCILE_CONFIG_URL": base + "/acme/infra/0123abc/queries.json", "AWS_CA_BUNDLE": cert}
            reconcile("https", cfg2, counts(n=n_unch + n_upd + 15, f=5), extra_env=https)
            reconcile("https 404", cfg2, ("error", "HTTP 404"),
                      extra_env=dict(https, CLOUDCRON_RECONCILE_CONFIG_URL=base + "/missing.json"))
            reconcile("too big", cfg2, ("error", "Failed to fetch config"),
                      extra_env=dict(https, CLOUDCRON_RECONCILE_MAX_BYTES="1000"))
        finally:
            srv.shutdown()
        if snapshot(sch, "queries") != snap:
            fail("nothing changes", "the group changed")

        # 6. allow empty: every managed schedule goes, nothing else
        n_managed = sum(1 for k in snap if k.startswith("pn-"))
        reconcile("allow empty", {"queries": {}}, counts(d=n_managed),
                  extra_env={"CLOUDCRON_RECONCILE_ALLOW_EMPTY": "true"})
        left = snapshot(sch, "queries")
        if set(left) != {"manual-job"}:
            fail("allow empty", f"left {sorted(left)[:5]}")
        check_group("allow empty", {"queries": {}})
    finally:
        moto.stop()

report.finish("reconciler runs")
