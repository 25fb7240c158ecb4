#!/usr/bin/env python3
"""The message contract, C side (tests/contract/notification_cases.json,
which the Python package's test reads too):
- every message's validity by Python's jsonschema on
  schemas/notification.schema.json, by the runtime's check
  (rt_notification_check, what every channel runs) and by the cases file
  agree, and the check's rejection message is the one the file gives
  (golden: the channels name the offending key or field);
- the task SDK's message builder (cloudcron_message_ex) gives each publish
  case's exact body, or its error."""
import json
import os
import shlex
import subprocess
import sys

import jsonschema

src = os.environ["CC_SRC"]
tool = shlex.split(os.environ.get("CC_WRAP", "")) + [
    os.path.join(os.environ["CC_BUILD"], "tests", "rt_notification_check")]
schema = json.load(open(os.path.join(src, "schemas", "notification.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
cases = json.load(open(os.path.join(src, "tests", "contract", "notification_cases.json")))


def run(args, docs):
    lines = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    out = subprocess.run(tool + args, input=lines.encode(), capture_output=True, check=True)
    got = out.stdout.decode().split("\n")[:-1]  # bodies may hold U+2028
    assert len(got) == len(docs), (len(got), len(docs))
    return got


bad = 0
msgs = cases["messages"]
for case, answer in zip(msgs, run([], [c["message"] for c in msgs])):
    m, want = case["message"], case["error"]
    js_ok = validator.is_valid(m)
    if js_ok != (want is None):
        print(f"the cases file and jsonschema disagree on {json.dumps(m)}: "
              f"jsonschema {'valid' if js_ok else 'invalid'}, file {want!r}")
        bad += 1
    expect = "ok" if want is None else f"error: {want}"
    if answer != expect:
        print(f"rt_notification_check on {json.dumps(m)}: {answer!r}, want {expect!r}")
        bad += 1
pubs = cases["publish"]
for case, answer in zip(pubs, run(["--build"], [c["args"] for c in pubs])):
    expect = f"error: {case['error']}" if "error" in case else case["body"]
    if answer != expect:
        print(f"cloudcron_message_ex on {json.dumps(case['args'])}: {answer!r}, want {expect!r}")
        bad += 1
    elif "body" in case and not validator.is_valid(json.loads(answer)):
        print(f"the body built for {json.dumps(case['args'])} fails the schema")
        bad += 1
print(f"{len(msgs)} messages, {len(pubs)} publish cases, {bad} disagreements")
sys.exit(1 if bad else 0)
