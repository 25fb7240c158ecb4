#!/usr/bin/env python3
"""Golden tests of `cloudcron import crontab`: a crontab in, exact stdout,
stderr and exit status out.

Each folder under tests/import/cases/ holds `crontab`, `args` (the options
after FILE, default `--image <a fixed URI>`), and the expected `stdout` and
`stderr`. Exit 1 is expected when stderr ends with "N errors; nothing
written" (and stdout must then be empty), else 0; a spec written to stdout
must pass `cloudcron validate`. The binary runs in the case's folder with
CLOUDCRON_NOW=2026-06-01T00:00:00Z (unless set).

  run_golden.py            check every case
  run_golden.py --update   rewrite the expected files (review the diff!)
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/jobs@sha256:" + "ab" * 32


def main():
    update = "--update" in sys.argv
    binary = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(HERE, "../../build/bin")), "cloudcron"))
    wrap = shlex.split(os.environ.get("CC_WRAP", ""))
    env = dict(os.environ)
    env.setdefault("CLOUDCRON_NOW", "2026-06-01T00:00:00Z")
    passed = failed = 0
    for case in sorted(os.listdir(CASES)):
        d = os.path.join(CASES, case)
        args_path = os.path.join(d, "args")
        args = shlex.split(open(args_path).read()) if os.path.exists(args_path) else ["--image", IMAGE]
        proc = subprocess.run(wrap + [binary, "import", "crontab", "crontab"] + args, cwd=d, capture_output=True,
                              text=True, env=env)
        if update:
            for name, text in (("stdout", proc.stdout), ("stderr", proc.stderr)):
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
            continue
        want = {n: open(os.path.join(d, n)).read() for n in ("stdout", "stderr")}
        want_status = 1 if re.search(r"^crontab: \d+ errors?; nothing written$", want["stderr"], re.M) else 0
        problems = []
        if proc.returncode != want_status:
            problems.append(f"exit status {proc.returncode}, expected {want_status}")
        for name, got in (("stdout", proc.stdout), ("stderr", proc.stderr)):
            if got != want[name]:
                problems.append(f"{name} differs:\n--- expected\n{want[name]}--- actual\n{got}")
        if want_status == 1 and proc.stdout:
            problems.append("an import with errors wrote to stdout")
        if proc.returncode == 0:
            with tempfile.TemporaryDirectory() as tmp:
                spec = os.path.join(tmp, "spec.yaml")
                with open(spec, "w") as f:
                    f.write(proc.stdout)
                v = subprocess.run(wrap + [binary, "validate", spec], capture_output=True, text=True, env=env)
                if v.returncode != 0:
                    problems.append("the written spec does not validate:\n" + v.stderr)
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
