#!/usr/bin/env python3
"""The message contract, Python side (tests/contract/notification_cases.json,
which the C side's rt_schema_diff reads too): the package's own validator
(cloudcron.check, used where jsonschema is absent) gives each message the
file's verdict and text and agrees with jsonschema on the schema; the body
builder gives each publish case's exact body, or its error; and on random
messages (reals, strings with control and non-ASCII characters, nesting)
the package and the C SDK (rt_notification_check --build) write the same
bytes, hence the same FIFO de-duplication id."""
import json
import os
import random
import shlex
import subprocess
import sys

import jsonschema

SRC = os.environ["CC_SRC"]
sys.path.insert(0, os.path.join(SRC, "runtime", "python"))
import cloudcron  # noqa: E402
from cloudcron import contract  # noqa: E402

schema = json.load(open(os.path.join(SRC, "schemas", "notification.schema.json")))
validator = jsonschema.Draft202012Validator(schema)
cases = json.load(open(os.path.join(SRC, "tests", "contract", "notification_cases.json")))
fails = []

for c in cases["messages"]:
    got = cloudcron.check(c["message"])
    if got != c["error"]:
        fails.append(f"check({json.dumps(c['message'])}) = {got!r}, want {c['error']!r}")
    if validator.is_valid(c["message"]) != (got is None):
        fails.append(f"check and jsonschema disagree on {json.dumps(c['message'])}")

for c in cases["publish"]:
    a = c["args"]
    try:
        got = contract.body(contract.message(a["subject"], a.get("vars"), a.get("to"), a.get("dedup_id")))
        if got != c.get("body"):
            fails.append(f"body({a}) = {got!r}, want {c.get('body') or 'error ' + c['error']!r}")
    except cloudcron.MessageError as e:
        if str(e) != c.get("error"):
            fails.append(f"message({a}) raised {e}, want {c.get('error') or 'body'!r}")

# random messages: validity against jsonschema, bytes against the C SDK
rng = random.Random(18)
ALPHABET = ["a", "Z", "0", " ", "\n", "\r", "\t", "\x01", "\x1f", '"', "\\", "/", "é", "✓",
            "\u2028", "😀", "!", "~", "\x7f"]


def rstr(n=6):
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, n)))


def rreal():
    return rng.choice([rng.uniform(-1e6, 1e6), rng.random(), rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30),
                       float(rng.randint(-10 ** 6, 10 ** 6)), 0.1 * rng.randint(0, 100), 1e15, 1e16, 1e17,
                       123456789012345678.0, 5e-324, 1.7976931348623157e308])


def rval(depth=0):
    k = rng.randint(0, 7 if depth < 3 else 4)
    return [lambda: None, lambda: True, lambda: False, lambda: rng.randint(-2 ** 63, 2 ** 63 - 1),
            rreal, rstr, lambda: [rval(depth + 1) for _ in range(rng.randint(0, 3))],
            lambda: {rstr(4): rval(depth + 1) for _ in range(rng.randint(0, 3))}][k]()


args, msgs = [], []
for i in range(400):
    a = {"subject": rstr(8) or "s"}
    if rng.random() < 0.8:
        a["vars"] = {rstr(4): rval() for _ in range(rng.randint(0, 4))}
    if rng.random() < 0.3:
        a["to"] = [rstr(3) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.4:
        a["dedup_id"] = "".join(rng.choice("ab-_!~ é") for _ in range(rng.randint(0, 5)))
    args.append(a)
    m = dict(a)
    if rng.random() < 0.2:
        m[rng.choice(["var", "subjects", "dedup", "x", "To"])] = 1
    msgs.append(m)
for m in msgs:
    if validator.is_valid(m) != (cloudcron.check(m) is None):
        fails.append(f"check and jsonschema disagree on {json.dumps(m)}: {cloudcron.check(m)}")

tool = shlex.split(os.environ.get("CC_WRAP", "")) + [os.path.join(os.environ["CC_BUILD"], "tests", "rt_notification_check")]
lines = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in args)
out = subprocess.run(tool + ["--build"], input=lines.encode(), capture_output=True, check=True).stdout.decode()
c_out = out.split("\n")[:-1]
assert len(c_out) == len(args), (len(c_out), len(args))
same = built = 0
for a, c in zip(args, c_out):
    try:
        py = contract.body(contract.message(a["subject"], a.get("vars"), a.get("to"), a.get("dedup_id")))
    except cloudcron.MessageError as e:
        py = f"error: {e}"
    if py != c:
        fails.append(f"on {json.dumps(a, ensure_ascii=False)}:\n  C  {c}\n  py {py}")
    else:
        same += 1
        built += not py.startswith("error")
    if not py.startswith("error") and contract.dedup_hash(py) != contract.dedup_hash(c):
        fails.append("hash")

if built < len(args) // 4:
    fails.append(f"only {built} random messages were valid: the generator is off")
for f in fails[:30]:
    print("FAIL", f)
print(f"{len(cases['messages'])} messages, {len(cases['publish'])} publish cases, "
      f"{len(args)} random messages ({same} identical to the C SDK's, {built} of them bodies), {len(fails)} failures")
sys.exit(1 if fails else 0)
