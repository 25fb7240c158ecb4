#!/usr/bin/env python3
"""Golden tests of `cloudcron validate`: spec in, exact stderr and status out.

Each folder under tests/spec/cases/ holds spec.yaml or spec.json (plus any
files it names), `stderr`, the exact expected diagnostics, and optionally
`args`, more options for validate (like --werror). Exit 1 is expected when
`stderr` ends with validate's "FILE: N errors" line, else exit 0 (an empty
`stderr`, or warnings only). The binary runs in the case's folder, so paths
in messages are stable, and with CLOUDCRON_NOW=2026-06-01T00:00:00Z (unless
set), so the schedule warnings do not age.

  run_golden.py            check every case
  run_golden.py --update   rewrite the expected files (review the diff!)
"""
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")


def spec_name(case_dir):
    for name in ("spec.yaml", "spec.json"):
        if os.path.exists(os.path.join(case_dir, name)):
            return name
    raise SystemExit(f"{case_dir}: no spec.yaml or spec.json")


def main():
    update = "--update" in sys.argv
    binary = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(HERE, "../../build/bin")), "cloudcron"))
    wrap = shlex.split(os.environ.get("CC_WRAP", ""))
    env = dict(os.environ)
    env.setdefault("CLOUDCRON_NOW", "2026-06-01T00:00:00Z")
    passed = failed = 0
    for case in sorted(os.listdir(CASES)):
        case_dir = os.path.join(CASES, case)
        spec = spec_name(case_dir)
        args_path = os.path.join(case_dir, "args")
        args = open(args_path).read().split() if os.path.exists(args_path) else []
        proc = subprocess.run(wrap + [binary, "validate"] + args + [spec], cwd=case_dir, capture_output=True, text=True,
                              env=env)
        expected_path = os.path.join(case_dir, "stderr")
        if update:
            with open(expected_path, "w") as f:
                f.write(proc.stderr)
            continue
        with open(expected_path) as f:
            expected = f.read()
        want_status = 1 if re.search(r"^spec\.(yaml|json): \d+ errors?$", expected, re.M) else 0
        problems = []
        if proc.returncode != want_status:
            problems.append(f"exit status {proc.returncode}, expected {want_status}")
        if proc.stderr != expected:
            problems.append("stderr differs:\n--- expected\n" + expected + "--- actual\n" + proc.stderr)
        if proc.stdout:
            problems.append("unexpected stdout:\n" + proc.stdout)
        if problems:
            failed += 1
            print(f"FAIL {case}: " + "\n".join(problems))
        else:
            passed += 1
    if not update:
        print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
