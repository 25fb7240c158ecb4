#!/usr/bin/env python3
"""Writes the benchmark's variables, one JSON file per case, into DIR:
report.json (5,000 hosts for cases/report.html: 0.9 MB), daily.json (250
hosts' last 20 days for cases/daily.html: 5,000 rows from 150 KB, a size
one message can carry), sms.json and digest.json.
Deterministic (a fixed seed), so every run renders the same bytes."""
import json, os, random, sys


def report(rng):
    regions = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2", "sa-east-1"]
    teams = ["payments", "search", "R&D <labs>", "platform", "data", "mobile-api"]
    hosts = []
    for i in range(5000):
        region = rng.choice(regions)
        total = rng.choice([50, 100, 250, 500, 1000, 2000]) * 10**9
        hosts.append({
            "name": "%s-%s-%04d" % (rng.choice(["web", "db", "queue", "cache", "batch"]), region, i),
            "region": region,
            "team": rng.choice(teams),
            "up": rng.random() > 0.02,
            "uptime_pct": round(100 - rng.expovariate(2.0), 3),
            "disk_total": total,
            "disk_used": int(total * rng.uniform(0.05, 0.97)),
            "load": round(rng.uniform(0, 8), 2),
        })
    return {"report": {"title": "Fleet uptime & disk, 2026-11-29", "account": "acme-prod (123456789012)",
                       "generated_at": "2026-11-30T06:00:00Z"}, "hosts": hosts}


def daily(rng):
    regions = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2", "sa-east-1"]
    teams = ["payments", "search", "R&D <labs>", "platform", "data", "mobile-api"]
    days = ["2026-11-%02d" % d for d in range(10, 30)]
    hosts = []
    for i in range(250):
        region = rng.choice(regions)
        total = rng.choice([50, 100, 250, 500, 1000, 2000]) * 10**9
        used = int(total * rng.uniform(0.05, 0.9))
        daily_used = []
        for _ in days:
            used = min(total, max(0, used + int(total * rng.uniform(-0.01, 0.015))))
            daily_used.append(used)
        hosts.append({
            "name": "%s-%s-%04d" % (rng.choice(["web", "db", "queue", "cache", "batch"]), region, i),
            "region": region,
            "team": rng.choice(teams),
            "disk_total": total,
            "uptime_pct": [round(100 - rng.expovariate(2.0), 3) for _ in days],
            "disk_used": daily_used,
            "load": [round(rng.uniform(0, 8), 2) for _ in days],
        })
    return {"report": {"title": "Fleet daily uptime & disk, 2026-11-10 to 2026-11-29",
                       "account": "acme-prod (123456789012)"}, "days": days, "hosts": hosts}


def sms(rng):
    tasks = ["nightly-backup", "invoice-export", "search-reindex", "postgres-vacuum-eu-west-1"]
    failed = [{"task": rng.choice(tasks), "at": "2026-11-30T0%d:00:00Z" % h} for h in range(7)]
    return {"env": "prod", "job": {"name": "nightly batch"}, "failed": failed, "total": 48,
            "since": "2026-11-29 22:00 UTC", "p95_ms": 73412,
            "url": "https://status.example.com/jobs/nightly-batch?run=2026-11-30"}


def digest(rng):
    words = ("the backup window moved after the storage migration and two retries hit the rate limit "
             "while the queue drained slowly so we raised the visibility timeout and added an alarm").split()
    teams = {}
    for name in ["payments", "search", "platform", "data-eng", "mobile api", "growth", "security", "billing"]:
        runs = rng.randint(200, 3000)
        incidents = [{"date": "2026-11-%02d" % rng.randint(23, 29), "title": " ".join(rng.sample(words, 5)).capitalize(),
                      "minutes": rng.randint(3, 240), "pages": rng.sample(["alice", "bob", "chen", "dana"], rng.randint(0, 2))}
                     for _ in range(rng.randint(0, 3))]
        teams[name] = {"runs": runs, "failures": rng.randint(0, runs // 20),
                       "summary": " ".join(rng.choice(words) for _ in range(rng.randint(30, 70))).capitalize() + ".",
                       "slowest": ["%s (%d s)" % (t, rng.randint(30, 900)) for t in rng.sample(
                           ["etl-daily", "reindex", "vacuum", "export", "sync-crm", "rollup"], 3)],
                       "incidents": incidents}
    return {"title": "Scheduled jobs: weekly digest", "week": "2026-W48", "teams": teams}


def main():
    d = sys.argv[1]
    rng = random.Random(11)
    for name, make in (("report", report), ("sms", sms), ("digest", digest), ("daily", daily)):
        with open(os.path.join(d, name + ".json"), "w") as f:
            json.dump(make(rng), f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
