#!/usr/bin/python3
"""The peer: Python's croniter computing N successive fire times of a cron
expression in a zone; prints the computations per second."""
import datetime as dt
import sys
import time
from zoneinfo import ZoneInfo

from croniter import croniter

expr, zone, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = dt.datetime(2025, 1, 1, tzinfo=ZoneInfo(zone))
it = croniter(expr, start)
t0 = time.perf_counter()
for _ in range(n):
    it.get_next(dt.datetime)
elapsed = time.perf_counter() - t0
print(f"{n / elapsed:.0f}")
