#!/usr/bin/env python3
"""Differential test of the schedule evaluator (`cloudcron next`) against an
independent brute force: Python's zoneinfo turns every UTC minute of a window
into local time, a separate cron matcher judges each minute, and EventBridge's
rules apply (a skipped wall time never appears; a repeated one counts only at
its first occurrence, fold == 0). Windows are the DST weeks of 2024-2027 in
12 zones, plus month ends; expressions are generated (seeded) to use every
special character. The evaluator must return exactly the brute force's fire
times in each window, and nothing else before the window's end."""
import calendar
import datetime as dt
import os
import random
import shlex
import subprocess
import sys
from zoneinfo import ZoneInfo

SRC = os.environ.get("CC_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BIN = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron"))
WRAP = shlex.split(os.environ.get("CC_WRAP", ""))
ZONES = ["UTC", "Europe/Rome", "America/New_York", "America/Sao_Paulo", "Australia/Lord_Howe", "Africa/Cairo",
         "Asia/Kolkata", "Australia/Sydney", "Pacific/Chatham", "America/St_Johns", "Europe/London", "Asia/Tehran"]
COUNT = 2000
WINDOW_DAYS = 9
MAX_FIRES = 2000
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


# ---- an independent cron matcher ----

def expand(field, lo, hi, names=None):
    """The set of values of a generic cron field."""
    out = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, s = part.split("/")
            step = int(s)
        def val(t):
            return names.index(t.upper()) + lo if names and t.upper() in names else int(t)
        if part == "*":
            a, b = lo, hi
        elif "-" in part:
            a, b = map(val, part.split("-"))
        else:
            a = val(part)
            b = hi if step > 1 or "/" in field else a
        span = hi - lo + 1
        count = b - a if b >= a else b - a + span
        for k in range(0, count + 1, step):
            out.add((a - lo + k) % span + lo)
    return out


def day_matcher(dom, dow):
    def last_day(y, m):
        return calendar.monthrange(y, m)[1]

    def weekday(y, m, d):  # cron: 1 = Sunday ... 7 = Saturday
        return (dt.date(y, m, d).isoweekday() % 7) + 1

    if dom == "?":
        if "#" in dow:
            a, k = dow.split("#")
            n = expand(a, 1, 7, DAYS).pop()
            return lambda y, m, d: weekday(y, m, d) == n and (d - 1) // 7 + 1 == int(k)
        if dow.endswith("L") and len(dow) > 1:
            n = expand(dow[:-1], 1, 7, DAYS).pop()
            return lambda y, m, d: weekday(y, m, d) == n and d + 7 > last_day(y, m)
        days = {7} if dow == "L" else expand(dow, 1, 7, DAYS)
        return lambda y, m, d: weekday(y, m, d) in days
    if dom == "L":
        return lambda y, m, d: d == last_day(y, m)
    if dom == "LW":
        def lw(y, m, d):
            last = last_day(y, m)
            while weekday(y, m, last) in (1, 7):
                last -= 1
            return d == last
        return lw
    if dom.endswith("W"):
        n = int(dom[:-1])
        def nearest(y, m, d):
            last = last_day(y, m)
            if n > last:
                return False
            w = weekday(y, m, n)
            target = n
            if w == 7:
                target = n - 1 if n > 1 else n + 2
            elif w == 1:
                target = n + 1 if n < last else n - 2
            return d == target
        return nearest
    days = expand(dom, 1, 31)
    return lambda y, m, d: d in days


def brute_force(expr, minutes_by_hm):
    body = expr[5:-1].split()
    mins, hours = expand(body[0], 0, 59), expand(body[1], 0, 23)
    months, years = expand(body[3], 1, 12, MONTHS), expand(body[5], 1970, 2199)
    day_ok = day_matcher(body[2], body[4])
    out = []
    for h in hours:
        for mi in mins:
            for ts, y, m, d, fold in minutes_by_hm.get((h, mi), ()):
                if fold == 0 and y in years and m in months and day_ok(y, m, d):
                    out.append(ts)
    return sorted(out)


# ---- expressions ----

def gen_expr(rng):
    def generic(lo, hi, names=None):
        kind = rng.random()
        name = (lambda v: names[v - lo] if names and rng.random() < 0.5 else str(v))
        if kind < 0.25:
            return "*"
        if kind < 0.45:
            return ",".join(name(v) for v in sorted(rng.sample(range(lo, hi + 1), rng.randint(1, 3))))
        if kind < 0.65:
            a, b = rng.randint(lo, hi), rng.randint(lo, hi)
            return f"{name(a)}-{name(b)}"  # may wrap
        if kind < 0.85:
            return f"{rng.choice(['*', str(rng.randint(lo, hi))])}/{rng.randint(1, max(1, (hi - lo) // 2))}"
        return name(rng.randint(lo, hi))
    minutes = generic(0, 59)
    hours = generic(0, 23)
    months = rng.choice(["*", "*", "*", generic(1, 12, MONTHS)])
    years = rng.choice(["*", "*", "*", "2024-2027", "2025,2026", "2024/2"])
    if rng.random() < 0.5:
        dow = "?"
        dom = rng.choice(["*", "*", "L", "LW", f"{rng.randint(1, 31)}W", generic(1, 31)])
    else:
        dom = "?"
        dow = rng.choice(["*", "L", f"{rng.randint(1, 7)}L", f"{rng.choice(DAYS)}#{rng.randint(1, 5)}",
                          f"{rng.randint(1, 7)}#{rng.randint(1, 5)}", generic(1, 7, DAYS), generic(1, 7, DAYS)])
    return f"cron({minutes} {hours} {dom} {months} {dow} {years})"


# ---- windows ----

def transitions(zone, year):
    z, out = ZoneInfo(zone), []
    t = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc)
    prev = t.astimezone(z).utcoffset()
    while t.year == year:
        t += dt.timedelta(hours=6)
        off = t.astimezone(z).utcoffset()
        if off != prev:
            out.append(t)
        prev = off
    return out


def windows(rng):
    out = []
    for zone in ZONES:
        for year in (2024, 2025, 2026, 2027):
            for t in transitions(zone, year):
                out.append((zone, int((t - dt.timedelta(days=4)).timestamp()) // 60 * 60))
        # month ends and a plain week, for L, W and # away from DST
        for _ in range(2):
            t = dt.datetime(rng.choice([2024, 2025, 2026]), rng.randint(1, 12), 24, tzinfo=dt.timezone.utc)
            out.append((zone, int(t.timestamp())))
    return out


def minutes_of(zone, start):
    z, by_hm = ZoneInfo(zone), {}
    for k in range(1, WINDOW_DAYS * 1440 + 1):
        ts = start + 60 * k
        lt = dt.datetime.fromtimestamp(ts, z)
        by_hm.setdefault((lt.hour, lt.minute), []).append((ts, lt.year, lt.month, lt.day, lt.fold))
    return by_hm


def rfc3339(ts):
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    rng = random.Random(20261122)
    wins = windows(rng)
    cache = {}
    passed = failed = fired = 0
    for i in range(COUNT):
        zone, start = wins[i % len(wins)]
        if (zone, start) not in cache:
            cache[(zone, start)] = minutes_of(zone, start)
        expr = gen_expr(rng)
        want = brute_force(expr, cache[(zone, start)])
        end = start + WINDOW_DAYS * 86400
        capped = len(want) > MAX_FIRES  # compare the first MAX_FIRES only
        want = want[:MAX_FIRES]
        proc = subprocess.run(WRAP + [BIN, "next", expr, "--tz", zone, "--after", rfc3339(start), "-n", str(len(want) + 1)],
                              capture_output=True, text=True)
        got = []
        for line in proc.stdout.splitlines():
            if line.startswith("("):
                continue
            got.append(int(dt.datetime.fromisoformat(line).timestamp()))
        tail_ok = capped or len(got) <= len(want) or got[len(want)] > end
        ok = proc.returncode == 0 and got[:len(want)] == want and tail_ok
        fired += bool(want)
        if ok:
            passed += 1
        else:
            failed += 1
            if failed <= 10:
                print(f"FAIL {expr} in {zone} after {rfc3339(start)}:\n  want {[rfc3339(t) for t in want][:6]}\n"
                      f"  got  {[rfc3339(t) for t in got][:6]}\n  {proc.stderr.strip()}")
    print(f"{len(wins)} windows in {len(ZONES)} zones; {fired} of {COUNT} expressions fire inside their window")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or fired < COUNT // 2 else 0


if __name__ == "__main__":
    sys.exit(main())
