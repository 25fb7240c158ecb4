#!/usr/bin/env python3
"""Differential test: schemas/notification.schema.json run by Python's
jsonschema and the runtime's own check (rt_notification_check) must agree
on every message below, valid and invalid."""
import json
import os
import shlex
import subprocess
import sys

import jsonschema

src = os.environ["CC_SRC"]
tool = os.path.join(os.environ["CC_BUILD"], "tests", "rt_notification_check")
schema = json.load(open(os.path.join(src, "schemas", "notification.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

base = {"subject": "Disk usage above 90%", "vars": {"host": "db-1", "pct": 93.4},
        "to": ["+15551234567"], "dedup_id": "db-1-2026-11-22"}
cases = [base, {"subject": "x"}, {}, [], "s", 1, None, {"subject": ""},
         {"subject": 1}, {"subject": "x", "extra": 1}, {"subject": "x", "varz": {}}]
for key, bad in [("vars", []), ("vars", "a"), ("vars", None), ("to", []), ("to", [1]),
                 ("to", [""]), ("to", "a"), ("dedup_id", ""), ("dedup_id", "a b"),
                 ("dedup_id", "x" * 129), ("dedup_id", 5), ("dedup_id", "é")]:
    m = dict(base)
    m[key] = bad
    cases.append(m)
for key, good in [("vars", {}), ("vars", {"a": {"b": [1]}}), ("to", ["a", "b"]),
                  ("dedup_id", "x" * 128), ("dedup_id", "!~")]:
    m = dict(base)
    m[key] = good
    cases.append(m)
for key in ("vars", "to", "dedup_id"):
    m = dict(base)
    del m[key]
    cases.append(m)

lines = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
cmd = shlex.split(os.environ.get("CC_WRAP", "")) + [tool]
out = subprocess.run(cmd, input=lines.encode(), capture_output=True, check=True).stdout.decode()
got = out.splitlines()
assert len(got) == len(cases), (len(got), len(cases))
bad = 0
for case, answer in zip(cases, got):
    want_ok = validator.is_valid(case)
    if want_ok != (answer == "ok"):
        print(f"disagree on {json.dumps(case)}: jsonschema {'valid' if want_ok else 'invalid'}, C {answer}")
        bad += 1
print(f"{len(cases)} messages, {bad} disagreements")
sys.exit(1 if bad else 0)
