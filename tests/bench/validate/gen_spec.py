#!/usr/bin/env python3
"""Writes a valid spec with N tasks (and N/10 notifications) to stdout."""
import sys

n = int(sys.argv[1])
zones = ["UTC", "Europe/Rome", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe", "Africa/Cairo"]
digest = "ab" * 32
out = [
    "version: 1",
    "project: bench",
    "region: us-west-2",
    "tags: { team: ops }",
    "images:",
    f"  app: {{ uri: 123456789012.dkr.ecr.us-west-2.amazonaws.com/app@sha256:{digest} }}",
    "topics:",
    "  alerts: {}",
    "  reports: { fifo: false }",
    "tasks:",
]
for i in range(n):
    out += [
        f"  task-{i}:",
        "    image: app",
        f"    schedule: cron({i % 60} {i % 24} * * ? *)",
        f"    timezone: {zones[i % len(zones)]}",
        "    publishes: [alerts, reports]",
        f"    env: {{ SHARD: \"{i}\" }}",
        "    timeout: 120",
        "    memory: 512",
        f"    input: {{ shard: {i}, kind: nightly }}",
        "    retry: { attempts: 3, max_age: 1h }",
    ]
out.append("notifications:")
for i in range(max(1, n // 10)):
    out += [
        f"  out-{i}:",
        "    channel: print",
        "    topic: reports",
        "    image: app",
        "    template: { inline: \"{{ subject }}: {{ message.vars|tojson }}\" }",
        f"    filter: {{ shard: [\"{i}\"] }}",
    ]
print("\n".join(out))
