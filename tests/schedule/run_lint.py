#!/usr/bin/env python3
"""Differential test of the schedule lint (lib/schedule/lint.c, through
tests/sched_lint_driver) against a brute force over the next two years with
Python's zoneinfo as the oracle.

For each zone and "now", every local date of the two years whose midnight
offsets differ from the next or previous day's (the only dates where a wall
time can be missing or doubled) is scanned at every minute the cron's hour
and minute fields name; the run_diff.py cron matcher decides whether the
date fires. A wall time that does not survive a round trip through UTC is
skipped; one whose fold=0 and fold=1 offsets differ (and exists) is
repeated. The lint must name the first of each (repeated only for schedules
not firing every hour), and flag days of the month 29-31 that leave chosen
months without a run; a few schedules that can never fire are checked by
hand. Zones: Lord Howe's half hour, Cairo's midnight shift, the southern
hemisphere, Europe/Rome, America/New_York and more."""
import calendar
import datetime as dt
import functools
import os
import random
import shlex
import subprocess
import sys
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_diff  # noqa: E402  (the independent cron matcher and expression generator)

BUILD = os.environ.get("CC_BUILD", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../build"))
DRIVER = os.path.abspath(os.path.join(BUILD, "tests", "sched_lint_driver"))
WRAP = shlex.split(os.environ.get("CC_WRAP", ""))
ZONES = ["Europe/Rome", "America/New_York", "Australia/Lord_Howe", "Africa/Cairo", "America/Santiago",
         "Australia/Sydney", "Pacific/Chatham", "Pacific/Auckland", "America/St_Johns", "Europe/London",
         "America/Sao_Paulo", "Asia/Tokyo", "UTC"]
NOWS = [dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc), dt.datetime(2027, 1, 15, 12, tzinfo=dt.timezone.utc)]
HORIZON = dt.timedelta(days=731)
COUNT = 100  # generated expressions per zone and now
UTC = dt.timezone.utc
FIXED = [  # hand-written: every zone, every now
    "cron(30 2 * * ? *)", "cron(30 1 * * ? *)", "cron(0 0 * * ? *)", "cron(30 23 * * ? *)", "cron(15 2 * * ? *)",
    "cron(45 1 * * ? *)", "cron(0 2 ? * SUN *)", "cron(0 3 L * ? *)", "cron(0 0 31 * ? *)", "cron(0 0 29 * ? *)",
    "cron(0 0 30 1-3 ? *)", "cron(0 0 29-31 * ? *)", "cron(0 0 1,31 * ? *)", "cron(0 0 30W * ? *)",
    "cron(*/15 * * * ? *)", "cron(0 */2 * * ? *)",
]
NEVER = {  # (expression, first year a now may be in) -> never fires
    "cron(0 0 30 2 ? *)", "cron(0 0 31 4,6,9,11 ? *)", "cron(0 0 * * ? 2020-2025)", "cron(0 0 ? 2 1#5 2026-2027)",
}

AT = {  # at() in Europe/Rome from the first now: passed, in the spring-forward gap, fine
    "at(2020-01-01T00:00:00)": "at-passed", "at(2026-05-31T23:59:59)": "at-passed",
    "at(2027-03-28T02:30:00)": "never", "at(2026-10-25T02:30:00)": "ok", "at(2026-06-01T02:00:01)": "ok",
}


@functools.lru_cache(maxsize=None)
def risky_dates(zone, now):
    """Local dates (and the next) whose midnight offset differs from the next day's."""
    z = ZoneInfo(zone)
    start = now.astimezone(z).date() - dt.timedelta(days=1)
    end = (now + HORIZON).astimezone(z).date() + dt.timedelta(days=1)
    out = set()
    d = start
    prev = dt.datetime(d.year, d.month, d.day, tzinfo=z).utcoffset()
    while d <= end:
        n = d + dt.timedelta(days=1)
        off = dt.datetime(n.year, n.month, n.day, tzinfo=z).utcoffset()
        if off != prev:
            out.update({d - dt.timedelta(days=1), d, n})
        prev = off
        d = n
    return sorted(out)


def fires_before(now, z, last_year, mins, hours, months, years, day_ok):
    """Whether the cron fires after NOW and before the end of LAST_YEAR."""
    d = now.astimezone(z).date() - dt.timedelta(days=1)
    while d.year <= last_year:
        if d.year in years and d.month in months and day_ok(d.year, d.month, d.day):
            for h in hours:
                for mi in mins:
                    if dt.datetime(d.year, d.month, d.day, h, mi, tzinfo=z).astimezone(UTC) > now:
                        return True
        d += dt.timedelta(days=1)
    return False


def expect(expr, zone, now):
    body = expr[5:-1].split()
    mins, hours = sorted(run_diff.expand(body[0], 0, 59)), sorted(run_diff.expand(body[1], 0, 23))
    months = run_diff.expand(body[3], 1, 12, run_diff.MONTHS)
    years = run_diff.expand(body[5], 1970, 2199)
    day_ok = run_diff.day_matcher(body[2], body[4])
    z = ZoneInfo(zone)
    if max(years) <= now.year + 3 and not fires_before(now, z, max(years), mins, hours, months, years, day_ok):
        return "never"
    skipped = repeated = None
    for d in risky_dates(zone, now):
        if d.year not in years or d.month not in months or not day_ok(d.year, d.month, d.day):
            continue
        for h in hours:
            for mi in mins:
                wall = dt.datetime(d.year, d.month, d.day, h, mi, tzinfo=z)
                inst = wall.astimezone(UTC)
                if not (now < inst <= now + HORIZON):
                    continue
                text = wall.strftime("%Y-%m-%dT%H:%M")
                exists = inst.astimezone(z).replace(tzinfo=None) == wall.replace(tzinfo=None)
                if not exists:
                    skipped = skipped or text
                elif wall.replace(fold=0).utcoffset() != wall.replace(fold=1).utcoffset():
                    repeated = repeated or text
    out = []
    if skipped:
        out.append(f"skipped {skipped}")
    if repeated and len(hours) < 24:
        out.append(f"repeated {repeated}")
    dom = body[2]
    if dom not in ("?", "L", "LW"):
        first = int(dom[:-1]) if dom.endswith("W") else min(run_diff.expand(dom, 1, 31))
        mask = sum(1 << (m - 1) for m in months if calendar.monthrange(2001, m)[1] < first)
        if all(calendar.monthrange(2000, m)[1] < first for m in months):
            return "never"  # no chosen month, even in a leap year, has the day
        if first >= 29 and mask:
            out.append(f"short {first} {mask}")
    return " ".join(out) or "ok"


def main():
    rng = random.Random(17)
    cases = []
    for zone in ZONES:
        for now in NOWS:
            exprs = FIXED + [run_diff.gen_expr(rng) for _ in range(COUNT)]
            cases += [(e, zone, now) for e in exprs]
    for e in sorted(NEVER) + sorted(AT):
        cases.append((e, "Europe/Rome", NOWS[0]))
    lines = "".join(f"{e}\t{z}\t{int(n.timestamp())}\n" for e, z, n in cases)
    proc = subprocess.run(WRAP + [DRIVER], input=lines, capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stderr)
        return 1
    got = proc.stdout.splitlines()
    if len(got) != len(cases):
        print(f"driver printed {len(got)} lines for {len(cases)} cases")
        return 1
    failed = 0
    counts = {"skipped": 0, "repeated": 0, "short": 0, "never": 0}
    for (e, z, n), g in zip(cases, got):
        want = AT[e] if e in AT else "never" if e in NEVER else expect(e, z, n)
        for k in counts:
            counts[k] += k in want
        if g != want:
            failed += 1
            if failed <= 20:
                print(f"FAIL {e} in {z} from {n:%Y-%m-%dT%H:%MZ}: lint says `{g}`, brute force `{want}`")
    print(f"{len(cases) - failed} passed, {failed} failed; brute force found {counts}")
    if min(counts.values()) == 0:
        print("a kind of finding never occurred: the test covers too little")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
