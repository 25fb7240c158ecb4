#!/usr/bin/env python3
"""Golden cases of the reconciler's config reader, through the real binary
(`cloudcron-reconcile --check config.json`, run in the case's folder):
for each tests/handlers/reconcile_cases/NAME/ the output (stdout, then
stderr) and exit status must equal NAME/expected byte for byte. Every error
names the entry id and the field. A case's `collection` file names
CLOUDCRON_RECONCILE_COLLECTION. Valid cases must also validate against
schemas/reconcile.schema.json (Python's jsonschema), and each entry the
reader refuses for its shape must be refused by the schema too. The
examples' queries.json files must pass both.

  reconcile_golden.py            compare
  reconcile_golden.py --update   rewrite every expected"""
import glob
import json
import os
import re
import shlex
import subprocess
import sys

import jsonschema

SRC = os.environ.get("CC_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BIN = os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron-reconcile")
CASES = os.path.join(SRC, "tests/handlers/reconcile_cases")
WRAP = shlex.split(os.environ.get("CC_WRAP", ""))
update = "--update" in sys.argv
schema = json.load(open(os.path.join(SRC, "schemas/reconcile.schema.json")))
fails = []
for name in sorted(os.listdir(CASES)):
    d = os.path.join(CASES, name)
    coll = open(os.path.join(d, "collection")).read().strip() if os.path.exists(os.path.join(d, "collection")) else "schedules"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDCRON_", "AWS_"))}
    p = subprocess.run(WRAP + [BIN, "--check", "config.json", "--collection", coll], cwd=d, env=env,
                       capture_output=True, timeout=60)
    got = p.stdout.decode() + p.stderr.decode() + f"exit {p.returncode}\n"
    exp_path = os.path.join(d, "expected")
    if update:
        open(exp_path, "w").write(got)
    elif not os.path.exists(exp_path) or open(exp_path).read() != got:
        fails.append(f"{name}: got\n{got}")
    for line in p.stderr.decode().splitlines():
        if "entry \"" in line and not re.search(r'entry "[^"]*"(: field "[a-z_]+")?: ', line):
            fails.append(f"{name}: error without entry and field: {line}")
    # the schema agrees on shape: per entry (with the collection key swapped in)
    try:
        doc = json.load(open(os.path.join(d, "config.json")))
    except ValueError:
        continue
    sch = dict(schema)
    sch["properties"] = {coll: schema["properties"]["schedules"]}
    sch["required"] = [coll]
    whole_ok = jsonschema.Draft202012Validator(sch).is_valid(doc)
    if p.returncode == 0 and not whole_ok:
        fails.append(f"{name}: the reader accepts it, the schema does not")
    if isinstance(doc, dict) and isinstance(doc.get(coll), dict):
        entry_schema = schema["$defs"]["entry"]
        for eid, e in doc[coll].items():
            refused = f'entry "{eid}"' in p.stderr.decode()
            shape_ok = jsonschema.Draft202012Validator({**entry_schema, "$defs": schema["$defs"]}).is_valid(e)
            if not refused and not shape_ok:
                fails.append(f"{name}: entry {eid}: the reader accepts it, the schema does not")
# the examples' config files are valid as shipped
for path in sorted(glob.glob(os.path.join(SRC, "examples/*/queries.json"))):
    p = subprocess.run(WRAP + [BIN, "--check", path, "--collection", "queries"], capture_output=True, timeout=60)
    if p.returncode != 0 or not jsonschema.Draft202012Validator(
            {**schema, "properties": {"queries": schema["properties"]["schedules"]}, "required": ["queries"]}).is_valid(
            json.load(open(path))):
        fails.append(f"{path}: exit {p.returncode}: {p.stderr.decode()}")
for f in fails:
    print("FAIL", f)
print(f"{len(os.listdir(CASES))} cases, {len(fails)} failures")
sys.exit(1 if fails else 0)
