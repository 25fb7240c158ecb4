#!/usr/bin/env python3
"""Golden tests of `cloudcron validate`: spec in, exact stderr and status out.

Each folder under tests/spec/cases/ holds spec.yaml or spec.json (plus any
files it names), `stderr`, the exact expected diagnostics, and optionally
`args`, more options for validate (like --werror). Exit 1 is expected when
`stderr` ends with validate's "FILE: N errors" line, else exit 0 (an empty
`stderr`, or warnings only); stdout must be empty. The binary runs in the
case's folder, so paths in messages are stable, and with
CLOUDCRON_NOW=2026-06-01T00:00:00Z (unless set), so the schedule warnings
do not age. The runner is tests/golden_runner.py.

  run_golden.py            check every case
  run_golden.py --update   rewrite the expected files (review the diff!)
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import golden_runner  # noqa: E402


def command(case_dir):
    for name in ("spec.yaml", "spec.json"):
        if os.path.exists(os.path.join(case_dir, name)):
            args_path = os.path.join(case_dir, "args")
            args = open(args_path).read().split() if os.path.exists(args_path) else []
            return ["validate"] + args + [name]
    raise SystemExit(f"{case_dir}: no spec.yaml or spec.json")


def want_status(want):
    return 1 if re.search(r"^spec\.(yaml|json): \d+ errors?$", want["stderr"], re.M) else 0


if __name__ == "__main__":
    sys.exit(golden_runner.run(sys.argv, os.path.join(HERE, "cases"), command, ("stderr",), want_status))
