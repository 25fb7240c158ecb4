#!/usr/bin/env python3
"""examples/reminders-api, the real binary run with --event against
moto_server: a one-time reminder becomes an at() schedule in the user's
zone with ActionAfterCompletion DELETE and the reminder as the worker's
event; the same request again gives the same schedule, not a second; a
weekly reminder is a cron() schedule with a flexible window; list returns
the user's reminders; cancel deletes one; an at() in the past is refused
before any call."""
import json
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moto_util import Moto  # noqa: E402

BIN = os.path.join(os.environ["CC_BIN"], "cloudcron-example-reminders")
WORKER = "arn:aws:lambda:us-east-1:123456789012:function:acme-send-reminder"
ROLE = "arn:aws:iam::123456789012:role/acme-reminders-sched"
fails = []


def expect(name, cond, detail):
    if not cond:
        fails.append(f"{name}: {detail}")


def run(env, tmp, event):
    path = os.path.join(tmp, "event.json")
    with open(path, "w") as f:
        json.dump(event, f)
    p = subprocess.run(shlex.split(os.environ.get("CC_WRAP", "")) + [BIN, "--event", path], env=env,
                       capture_output=True, timeout=60)
    out = p.stdout.decode().strip()
    return p.returncode, json.loads(out) if out else None, p.stderr.decode()


with tempfile.TemporaryDirectory() as tmp, Moto(os.path.join(tmp, "moto.log")) as moto:
    sch = moto.client("scheduler")
    sch.create_schedule_group(Name="acme-reminders")
    env = moto.env(CLOUDCRON_SCHEDULE_GROUP_REMINDERS="acme-reminders", CLOUDCRON_SCHEDULE_ROLE_REMINDERS=ROLE,
                   CLOUDCRON_SCHEDULE_TARGET_REMINDERS=WORKER)
    ev = {"action": "remind", "user": "u-42", "at": "2099-12-01T09:00:00", "timezone": "Europe/Rome",
          "text": "Call the dentist"}
    rc, out, err = run(env, tmp, ev)
    expect("remind", rc == 0 and out and out["expression"] == "at(2099-12-01T09:00:00)", (rc, out, err))
    name = out and out["name"]
    if name:
        s = sch.get_schedule(GroupName="acme-reminders", Name=name)
        expect("remind: DELETE after it runs", s.get("ActionAfterCompletion") == "DELETE", s)
        expect("remind: in the user's zone", s["ScheduleExpressionTimezone"] == "Europe/Rome", s)
        expect("remind: the worker gets the reminder",
               json.loads(s["Target"]["Input"]) == {"user": "u-42", "text": "Call the dentist"}
               and s["Target"]["Arn"] == WORKER and s["Target"]["RoleArn"] == ROLE, s["Target"])
    rc, out2, err = run(env, tmp, ev)
    expect("remind again: same schedule", rc == 0 and out2 and out2["name"] == name, (rc, out2, err))
    rc, out3, err = run(env, tmp, {"action": "weekly", "user": "u-42", "cron": "cron(0 9 ? * MON *)",
                                   "timezone": "Europe/Rome", "text": "Water the plants"})
    expect("weekly", rc == 0 and out3, (rc, out3, err))
    if out3:
        s = sch.get_schedule(GroupName="acme-reminders", Name=out3["name"])
        expect("weekly: recurring, flexible", s.get("ActionAfterCompletion") in (None, "NONE")
               and s["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5}, s)
    rc, lst, err = run(env, tmp, {"action": "list", "user": "u-42"})
    expect("list", rc == 0 and lst and sorted(lst["reminders"]) == sorted([name, out3 and out3["name"]]), (rc, lst, err))
    rc, out, err = run(env, tmp, {"action": "cancel", "name": name})
    expect("cancel", rc == 0, (rc, out, err))
    rc, lst, err = run(env, tmp, {"action": "list", "user": "u-42"})
    expect("list after cancel", rc == 0 and lst and lst["reminders"] == [out3 and out3["name"]], (rc, lst, err))
    rc, out, err = run(env, tmp, dict(ev, at="2001-01-01T00:00:00"))
    expect("past at() refused", rc == 1 and "has passed" in err, (rc, out, err))

for f in fails:
    print("FAIL", f)
print(f"{len(fails)} failure(s)")
sys.exit(1 if fails else 0)
