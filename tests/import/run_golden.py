#!/usr/bin/env python3
"""Golden tests of `cloudcron import crontab`: a crontab in, exact stdout,
stderr and exit status out.

Each folder under tests/import/cases/ holds `crontab`, `args` (the options
after FILE, default `--image <a fixed URI>`), and the expected `stdout` and
`stderr`. Exit 1 is expected when stderr ends with "N errors; nothing
written" (and stdout must then be empty), else 0; a spec written to stdout
must pass `cloudcron validate`. The binary runs in the case's folder with
CLOUDCRON_NOW=2026-06-01T00:00:00Z (unless set). The runner is
tests/golden_runner.py.

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
sys.path.insert(0, os.path.dirname(HERE))
import golden_runner  # noqa: E402

IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/jobs@sha256:" + "ab" * 32


def command(case_dir):
    args_path = os.path.join(case_dir, "args")
    args = shlex.split(open(args_path).read()) if os.path.exists(args_path) else ["--image", IMAGE]
    return ["import", "crontab", "crontab"] + args


def want_status(want):
    return 1 if re.search(r"^crontab: \d+ errors?; nothing written$", want["stderr"], re.M) else 0


def check(binary, wrap, env, proc, want):
    """An import with errors writes nothing; a written spec validates."""
    if want_status(want) == 1:
        return ["an import with errors wrote to stdout"] if proc.stdout else []
    if proc.returncode != 0:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "spec.yaml")
        with open(spec, "w") as f:
            f.write(proc.stdout)
        v = subprocess.run(wrap + [binary, "validate", spec], capture_output=True, text=True, env=env)
    return [] if v.returncode == 0 else ["the written spec does not validate:\n" + v.stderr]


if __name__ == "__main__":
    sys.exit(golden_runner.run(sys.argv, os.path.join(HERE, "cases"), command, ("stdout", "stderr"), want_status,
                               check))
