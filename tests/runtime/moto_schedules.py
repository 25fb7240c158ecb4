#!/usr/bin/env python3
"""The task SDK's schedules against a real moto_server, through a task
(tests/rt_sched_task, the SDK over libcurl, SigV4 and retries) and a
recording proxy (sched_proxy.py): create one-time and recurring schedules
and check what moto stored (expression, zone, payload, window, retry policy,
dead-letter queue, ActionAfterCompletion DELETE for at()); update; list
more than one page (by NamePrefix, by page and all pages); delete; a create
whose answer is lost is retried with the same ClientToken and leaves one
schedule; a different schedule of an existing name is a conflict; throttling
and quota answers, a bad expression, zone, at() in the past and an unknown
key give distinct codes and messages, the bad ones before any request."""
import json
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moto_util import Moto  # noqa: E402
from sched_proxy import Proxy  # noqa: E402

TOOL = os.path.join(os.environ["CC_BUILD"], "tests", "rt_sched_task")
CODES = {"ok": 0, "einval": -4, "enotfound": -6, "econflict": -11, "ethrottled": -12, "equota": -13}
fails = []


def expect(name, cond, detail):
    if not cond:
        fails.append(f"{name}: {detail}")


def call(env, tmp, **ev):
    path = os.path.join(tmp, "event.json")
    with open(path, "w") as f:
        json.dump(ev, f)
    cmd = shlex.split(os.environ.get("CC_WRAP", "")) + [TOOL, "--event", path]
    p = subprocess.run(cmd, env=env, capture_output=True, timeout=120)
    if p.returncode != 0:
        fails.append(f"{ev.get('op')} {ev.get('name')}: exit {p.returncode}: {p.stderr.decode()[-800:]}")
        return {"rc": None, "error": p.stderr.decode()}
    return json.loads(p.stdout)


with tempfile.TemporaryDirectory() as tmp:
    moto = Moto(os.path.join(tmp, "moto.log"))
    proxy = Proxy(moto.url)
    try:
        sch = moto.client("scheduler")
        sch.create_schedule_group(Name="reminders")
        sch.create_schedule_group(Name="other")
        worker = "arn:aws:lambda:us-east-1:123456789012:function:worker"
        role = "arn:aws:iam::123456789012:role/reminders-scheduler"
        dlq = "arn:aws:sqs:us-east-1:123456789012:reminders-dlq"
        env = moto.env(AWS_ENDPOINT_URL_SCHEDULER=proxy.url,
                       CLOUDCRON_SCHEDULE_GROUP_REMINDERS="reminders",
                       CLOUDCRON_SCHEDULE_ROLE_REMINDERS=role,
                       CLOUDCRON_SCHEDULE_TARGET_REMINDERS=worker,
                       CLOUDCRON_SCHEDULE_DLQ_REMINDERS=dlq,
                       CLOUDCRON_SCHEDULE_RETRY_REMINDERS="2,600")

        # a one-time reminder in the user's zone: DELETE after completion
        payload = {"user": "u-42", "text": "call the dentist é"}
        r = call(env, tmp, op="create", key="reminders", name="remind-u-42",
                 schedule={"expression": "at(2099-06-01T09:00:00)", "timezone": "Europe/Rome",
                           "payload": payload, "window": 15, "retry": 3, "age": 3600})
        expect("create at()", r["rc"] == 0, r)
        got = sch.get_schedule(GroupName="reminders", Name="remind-u-42")
        expect("at() DELETE", got.get("ActionAfterCompletion") == "DELETE", got)
        expect("at() expression", got["ScheduleExpression"] == "at(2099-06-01T09:00:00)", got)
        expect("at() zone", got["ScheduleExpressionTimezone"] == "Europe/Rome", got)
        expect("at() payload", json.loads(got["Target"]["Input"]) == payload, got["Target"])
        expect("at() target", got["Target"]["Arn"] == worker and got["Target"]["RoleArn"] == role, got)
        expect("at() window", got["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}, got)
        expect("at() retry", got["Target"].get("RetryPolicy") ==
               {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}, got["Target"])
        expect("at() dlq", got["Target"].get("DeadLetterConfig") == {"Arn": dlq}, got["Target"])

        # a recurring one: no ActionAfterCompletion, exact time
        r = call(env, tmp, op="create", key="reminders", name="weekly-u-42",
                 schedule={"expression": "cron(0 9 ? * MON *)", "timezone": "America/New_York",
                           "payload": {"user": "u-42"}, "retry": -1, "description": "weekly"})
        expect("create cron", r["rc"] == 0, r)
        got = sch.get_schedule(GroupName="reminders", Name="weekly-u-42")
        expect("cron no DELETE", got.get("ActionAfterCompletion") in (None, "NONE"), got)
        expect("cron window OFF", got["FlexibleTimeWindow"] == {"Mode": "OFF"}, got)
        expect("cron no retry", got["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 0, got["Target"])
        expect("cron description", got.get("Description") == "weekly", got)

        # the same create again succeeds and changes nothing; a different
        # schedule of that name is a conflict
        r = call(env, tmp, op="create", key="reminders", name="weekly-u-42",
                 schedule={"expression": "cron(0 9 ? * MON *)", "timezone": "America/New_York",
                           "payload": {"user": "u-42"}, "retry": -1, "description": "weekly"})
        expect("create again", r["rc"] == 0, r)
        r = call(env, tmp, op="create", key="reminders", name="weekly-u-42",
                 schedule={"expression": "cron(0 10 ? * MON *)", "payload": {"user": "u-42"}})
        expect("create conflict", r["rc"] == CODES["econflict"] and "exists already" in r["error"], r)

        # a create whose answer is lost: retried with the same ClientToken,
        # one schedule
        proxy.lose_once.add("lost-answer")
        n0 = len(proxy.requests)
        r = call(env, tmp, op="create", key="reminders", name="lost-answer",
                 schedule={"expression": "rate(1 hour)", "payload": {"n": 1}})
        expect("lost answer create", r["rc"] == 0, r)
        posts = [json.loads(b) for m, p, b in proxy.requests[n0:] if m == "POST"]
        expect("lost answer retried", len(posts) == 2, posts)
        if len(posts) == 2:
            expect("same ClientToken", posts[0]["ClientToken"] == posts[1]["ClientToken"]
                   and len(posts[0]["ClientToken"]) == 64, posts)
        names = [s["Name"] for s in sch.list_schedules(GroupName="reminders")["Schedules"]]
        expect("lost answer no duplicate", names.count("lost-answer") == 1, names)
        got = sch.get_schedule(GroupName="reminders", Name="lost-answer")
        expect("the group's retry policy when the call gives none",
               got["Target"].get("RetryPolicy") == {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 600},
               got["Target"])

        # update: the whole definition replaced
        r = call(env, tmp, op="update", key="reminders", name="weekly-u-42",
                 schedule={"expression": "cron(30 8 ? * TUE *)", "timezone": "Asia/Tokyo",
                           "payload": {"user": "u-42", "v": 2}, "disabled": 1})
        expect("update", r["rc"] == 0, r)
        got = sch.get_schedule(GroupName="reminders", Name="weekly-u-42")
        expect("update stored", (got["ScheduleExpression"], got["ScheduleExpressionTimezone"], got["State"],
                                 json.loads(got["Target"]["Input"])) ==
               ("cron(30 8 ? * TUE *)", "Asia/Tokyo", "DISABLED", {"user": "u-42", "v": 2}), got)
        r = call(env, tmp, op="update", key="reminders", name="no-such",
                 schedule={"expression": "rate(1 hour)"})
        expect("update missing", r["rc"] == CODES["enotfound"], r)

        # get through the SDK
        r = call(env, tmp, op="get", key="reminders", name="remind-u-42")
        expect("get", r["rc"] == 0 and r["out"]["ActionAfterCompletion"] == "DELETE", r)

        # more than one page: 130 schedules under "bulk-", one in another group
        for i in range(130):
            sch.create_schedule(Name=f"bulk-{i:03d}", GroupName="reminders", ScheduleExpression="rate(1 day)",
                                FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": worker, "RoleArn": role})
        sch.create_schedule(Name="bulk-elsewhere", GroupName="other", ScheduleExpression="rate(1 day)",
                            FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": worker, "RoleArn": role})
        r = call(env, tmp, op="page", key="reminders", prefix="bulk-", max=50)
        expect("first page", r["rc"] == 0 and len(r["out"]["Schedules"]) == 50 and r["out"].get("NextToken"), r)
        seen, token, pages = set(), None, 0
        while r["rc"] == 0 and pages < 10:
            pages += 1
            seen |= {s["Name"] for s in r["out"]["Schedules"]}
            token = r["out"].get("NextToken")
            if not token:
                break
            r = call(env, tmp, op="page", key="reminders", prefix="bulk-", max=50, token=token)
        expect("pages", pages == 3 and seen == {f"bulk-{i:03d}" for i in range(130)}, (pages, len(seen)))
        r = call(env, tmp, op="list", key="reminders", prefix="bulk-")
        names = sorted(s["Name"] for s in r.get("out") or [])
        expect("list all", r["rc"] == 0 and names == [f"bulk-{i:03d}" for i in range(130)], (r["rc"], len(names)))
        lists = [p for m, p, b in proxy.requests if m == "GET" and p.startswith("/schedules?")]
        expect("list requests carry the prefix and group", all("NamePrefix=bulk-" in p and "ScheduleGroup=reminders" in p
                                                               for p in lists), lists)
        r = call(env, tmp, op="list", key="reminders")
        expect("list everything", r["rc"] == 0 and len(r["out"]) == 133, (r["rc"], len(r.get("out") or [])))

        # delete
        r = call(env, tmp, op="delete", key="reminders", name="lost-answer")
        expect("delete", r["rc"] == 0, r)
        r = call(env, tmp, op="delete", key="reminders", name="lost-answer")
        expect("delete again", r["rc"] == CODES["enotfound"], r)

        # throttling and quota: distinct codes, clear messages
        proxy.throttle.add("hot")
        r = call(env, tmp, op="create", key="reminders", name="hot", schedule={"expression": "rate(5 minutes)"})
        expect("throttled", r["rc"] == CODES["ethrottled"] and "ThrottlingException" in r["error"]
               and "4 attempts" in r["error"], r)
        proxy.quota.add("full")
        r = call(env, tmp, op="create", key="reminders", name="full", schedule={"expression": "rate(5 minutes)"})
        expect("quota", r["rc"] == CODES["equota"] and "quota" in r["error"], r)

        # checked before any request
        n0 = len(proxy.requests)
        bad = [("cron(0 9 * * * *)", "UTC", "expression"), ("cron(0 9 * * ? *)", "Mars/Olympus", "timezone"),
               ("at(2001-01-01T00:00:00)", "UTC", "has passed"), ("rate(0 minutes)", "UTC", "expression"),
               # in the spring-forward gap: not "passed", and says why
               ("at(2030-03-31T02:30:00)", "Europe/Rome", "never happens in Europe/Rome: its wall time does not exist")]
        for expr, tz, word in bad:
            r = call(env, tmp, op="create", key="reminders", name="bad", schedule={"expression": expr, "timezone": tz})
            expect(f"bad {expr} {tz}", r["rc"] == CODES["einval"] and word in r["error"], r)
        r = call(env, tmp, op="create", key="reminders", name="bad name!", schedule={"expression": "rate(1 hour)"})
        expect("bad name", r["rc"] == CODES["einval"] and "invalid schedule name" in r["error"], r)
        r = call(env, tmp, op="create", key="nope", name="x", schedule={"expression": "rate(1 hour)"})
        expect("unknown key", r["rc"] == CODES["enotfound"] and "known keys: reminders" in r["error"], r)
        expect("no request for bad input", len(proxy.requests) == n0, proxy.requests[n0:])
    finally:
        proxy.close()
        moto.stop()

for f in fails:
    print("FAIL", f)
print(f"{len(fails)} failure(s)")
sys.exit(1 if fails else 0)
