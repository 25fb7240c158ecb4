#!/usr/bin/env python3
"""Differential test of `cloudcron import crontab` against Python's croniter
(Debian's python3-croniter, Vixie semantics) firing the source lines.

A seeded generator writes a crontab of a few thousand lines over every
feature the importer converts: numbers and names in any case, ranges, lists,
steps (`*/N`, `A-B/N`, `N/S`), day-of-week 0-7, day-of-month and
day-of-week both restricted (one line, two tasks), one of them `*`-prefixed
(`*/N`, the AND rule), @hourly ... @annually, CRON_TZ= lines over many zones
and NAME=value lines. The importer converts it; `cloudcron next SPEC` lists
each task's fire times from the start of three windows free of daylight
saving changes (checked here for every zone); croniter fires each source
line from the same instant in the line's zone. For every line, the union of
its tasks' times must equal croniter's, instant for instant, up to where both
lists are complete.

Where croniter 1.3.5 departs from Vixie cron the generator stays out:
a full range that does not start with `*` (`1-31`, `0-7`) next to a
restricted other day field (cron ORs them, so the line runs every day;
croniter treats the full range as `*`), and day-of-week steps or ranges that
reach 7 (croniter counts days of the week 0-6). And no window crosses from
February into March: from February, croniter 1.3.5 skips March 1 for a
day-of-month list with days past the 28th (`0 0 1,31 * *` fires next on
March 31), where cron fires on March 1."""
import datetime as dt
import os
import random
import shlex
import subprocess
import sys
import tempfile
from zoneinfo import ZoneInfo

try:
    from croniter import croniter
except ImportError:  # Debian's package, when the tests run under another Python
    sys.path.append("/usr/lib/python3/dist-packages")
    from croniter import croniter

SRC = os.environ.get("CC_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BIN = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron"))
WRAP = shlex.split(os.environ.get("CC_WRAP", ""))
IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/jobs@sha256:" + "cd" * 32
LINES = 2500
PER_TASK = 24
UTC = dt.timezone.utc
ZONES = ["UTC", "Europe/Rome", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Africa/Cairo",
         "Asia/Tokyo", "America/Sao_Paulo", "Pacific/Chatham", "America/St_Johns", "Asia/Kathmandu",
         "Europe/London", "Australia/Sydney", "America/Los_Angeles", "Asia/Tehran", "Pacific/Auckland",
         "America/Santiago", "Europe/Moscow"]
WINDOWS = [(dt.datetime(2026, 6, 5, 0, 17, tzinfo=UTC), dt.datetime(2026, 8, 25, tzinfo=UTC)),
           (dt.datetime(2026, 12, 1, 5, tzinfo=UTC), dt.datetime(2027, 1, 31, tzinfo=UTC)),
           (dt.datetime(2027, 2, 1, 23, 59, tzinfo=UTC), dt.datetime(2027, 2, 27, tzinfo=UTC))]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


def name_case(rng, s):
    return rng.choice([s, s.upper(), s.capitalize()])


def generic(rng, lo, hi, names=None, allow_steps=True):
    """A field that is restricted (never all values, never `*`)."""
    def val(v):
        if names and rng.random() < 0.4:
            return name_case(rng, names[v - lo])
        return str(v)
    while True:
        k = rng.random()
        if k < 0.3:
            f = val(rng.randint(lo, hi))
        elif k < 0.55:
            f = ",".join(val(v) for v in sorted(rng.sample(range(lo, hi + 1), rng.randint(2, min(4, hi - lo)))))
        elif k < 0.75:
            a = rng.randint(lo, hi - 1)
            f = f"{val(a)}-{val(rng.randint(a + 1, hi))}"
        elif k < 0.85 and allow_steps:
            a = rng.randint(lo, hi - 2)
            f = f"{a}-{rng.randint(a + 1, hi)}/{rng.randint(2, 5)}"
        elif allow_steps:
            f = f"{rng.randint(lo, hi)}/{rng.randint(2, max(2, (hi - lo) // 3))}"
        else:
            continue
        if f not in ("*",):
            return f


def star_step(rng, lo, hi):
    return f"*/{rng.randint(2, max(2, (hi - lo + 1) // 2))}"


def gen_line(rng):
    if rng.random() < 0.06:
        return rng.choice(["@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"])
    minute = rng.choice(["*", star_step(rng, 0, 59), generic(rng, 0, 59), generic(rng, 0, 59), str(rng.randint(0, 59))])
    if minute == "*" and rng.random() < 0.7:
        minute = str(rng.randint(0, 59))
    hour = rng.choice(["*", star_step(rng, 0, 23), generic(rng, 0, 23), str(rng.randint(0, 23))])
    month = rng.choice(["*", "*", "*", generic(rng, 1, 12, MONTHS)])
    # day-of-week: 0-6 only, no steps (croniter's 0-6 against cron's 0-7); 7 alone is Sunday
    dow_restricted = lambda: rng.choice([generic(rng, 0, 6, DAYS, allow_steps=False), "7", "0,7", "1-5"])
    kind = rng.random()
    if kind < 0.3:
        dom, dow = "*", "*"
    elif kind < 0.5:
        dom, dow = generic(rng, 1, 31), "*"
    elif kind < 0.7:
        dom, dow = "*", dow_restricted()
    elif kind < 0.85:
        dom, dow = generic(rng, 1, 28), dow_restricted()  # either matches: two tasks
    elif kind < 0.93:
        dom, dow = star_step(rng, 1, 31), "*"
    else:
        dom, dow = "*", rng.choice(["*/2", "*/3"])
    return f"{minute} {hour} {dom} {month} {dow}"


def gen_crontab(rng):
    out, fields = [], {}
    zone = "UTC"
    for _ in range(LINES):
        r = rng.random()
        if r < 0.02:
            zone = rng.choice(ZONES)
            out.append(f"CRON_TZ={zone}")
        elif r < 0.03:
            out.append(f"STAGE_{rng.randint(0, 9)}={rng.choice(['a', 'b c', '/x/y'])}")
        elif r < 0.04:
            out.append(rng.choice(["# a comment", "", "   # indented comment"]))
        else:
            f = gen_line(rng)
            out.append(f"{f}\t/usr/bin/job-{len(out) + 1} --flag")
            fields[len(out)] = (f, zone)
    return "\n".join(out) + "\n", fields


def check_windows():
    for zone in ZONES:
        z = ZoneInfo(zone)
        for start, end in WINDOWS:
            t, off = start, start.astimezone(z).utcoffset()
            while t <= end + dt.timedelta(days=2):
                if t.astimezone(z).utcoffset() != off:
                    raise SystemExit(f"window {start:%F}..{end:%F} is not free of offset changes in {zone}")
                t += dt.timedelta(hours=6)


def next_times(spec, start):
    """{task key: [epoch seconds]} from `cloudcron next SPEC`."""
    r = subprocess.run(WRAP + [BIN, "next", spec, "--after", start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                               "-n", str(PER_TASK)], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("cloudcron next failed:\n" + r.stderr[-3000:])
    out, key = {}, None
    for line in r.stdout.splitlines():
        if not line.startswith(" "):
            key = line.split(":", 1)[0]
            out[key] = []
        elif "(" not in line:
            out[key].append(int(dt.datetime.fromisoformat(line.strip()).timestamp()))
    return out


def main():
    check_windows()
    rng = random.Random(1717)
    text, fields = gen_crontab(rng)
    failed = checked = fires = 0
    with tempfile.TemporaryDirectory() as tmp:
        crontab, spec = os.path.join(tmp, "crontab"), os.path.join(tmp, "spec.yaml")
        with open(crontab, "w") as f:
            f.write(text)
        r = subprocess.run(WRAP + [BIN, "import", "crontab", crontab, "--image", IMAGE], capture_output=True, text=True)
        if r.returncode != 0:
            print("import failed:\n" + r.stderr[-5000:])
            return 1
        with open(spec, "w") as f:
            f.write(r.stdout)
        splits = sum(1 for line in r.stderr.splitlines() if "becomes two tasks" in line)
        for start, end in WINDOWS:
            ours = next_times(spec, start)
            for line, (expr, zone) in sorted(fields.items()):
                tasks = [k for k in (f"line-{line}", f"line-{line}-dow") if k in ours]
                if not tasks:
                    failed += 1
                    print(f"FAIL line {line} `{expr}`: no task in the spec")
                    continue
                # complete up to the earliest last time of a task that hit the -n limit
                limit = int(end.timestamp())
                for k in tasks:
                    if len(ours[k]) == PER_TASK:
                        limit = min(limit, ours[k][-1])
                got = sorted({t for k in tasks for t in ours[k] if t <= limit})
                it = croniter(expr, start.astimezone(ZoneInfo(zone)))
                want = []
                while True:
                    t = int(it.get_next(dt.datetime).timestamp())
                    if t > limit:
                        break
                    want.append(t)
                checked += 1
                fires += len(want)
                if got != want:
                    failed += 1
                    if failed <= 15:
                        fmt = lambda ts: [dt.datetime.fromtimestamp(x, ZoneInfo(zone)).isoformat() for x in ts[:4]]
                        print(f"FAIL line {line} `{expr}` in {zone} from {start:%F}: cloudcron {fmt(got)}..., "
                              f"croniter {fmt(want)}...")
    print(f"{checked - failed} of {checked} line-windows agree ({LINES} crontab lines, {len(fields)} cron lines, "
          f"{splits} split in two, {fires} fire times compared)")
    return 1 if failed or fires == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
