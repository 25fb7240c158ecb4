#!/usr/bin/env python3
"""`cloudcron next` as a user types it: exact stdout, stderr and exit status;
and a missing input file as every command reports it (errno's text)."""
import os
import shlex
import subprocess
import sys

SRC = os.environ.get("CC_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BIN = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron"))
WRAP = shlex.split(os.environ.get("CC_WRAP", ""))
AFTER = ["--after", "2025-03-28T00:00:00Z"]

CASES = [
    (["next", "cron(0 2 * * ? *)", "--tz", "Europe/Rome", *AFTER, "-n", "3"], 0,
     "2025-03-28T02:00:00+01:00\n2025-03-29T02:00:00+01:00\n2025-03-31T02:00:00+02:00\n", ""),
    (["next", "rate(90 minutes)", "--after", "2025-01-01T00:00:00+01:00", "-n", "2"], 0,
     "2025-01-01T00:30:00+00:00\n2025-01-01T02:00:00+00:00\n", ""),
    (["next", "at(2026-12-01T09:00:00)", "--tz", "America/New_York", *AFTER, "-n", "2"], 0,
     "2026-12-01T09:00:00-05:00\n", ""),
    (["next", "at(2020-12-01T09:00:00)", *AFTER], 0, "(no fire time after this)\n", ""),
    (["next", "examples/basic/cloudcron.yaml", *AFTER, "-n", "2"], 0,
     "nightly-report: cron(0 2 * * ? *) in Europe/Rome\n  2025-03-28T02:00:00+01:00\n  2025-03-29T02:00:00+01:00\n", ""),
    (["next", "examples/basic/cloudcron.yaml", "nightly-reprot", *AFTER], 1, "",
     "cloudcron next: examples/basic/cloudcron.yaml has no task `nightly-reprot`; did you mean `nightly-report`?\n"),
    (["next", "cron(0 2 * * MON *)"], 1, "",
     "<expression>:1:14: error: cron day-of-month and day-of-week cannot both be set; one must be `?`\n"
     "    1 | cron(0 2 * * MON *)\n      |              ^\n"),
    (["next", "rate(1 hour)", "--tz", "Mars/Olympus"], 1, "",
     "cloudcron next: error: `Mars/Olympus` is not an IANA time zone name (like Europe/Rome or UTC)\n"),
    # a crontab line instead of an expression: not a file, so say what a schedule is
    (["next", "0 0 * * *"], 1, "",
     "cloudcron next: `0 0 * * *` is neither a spec file nor a schedule expression: a schedule is cron(...), "
     "rate(...) or at(...), like 'cron(0 0 * * ? *)' (EventBridge's six fields for crontab's `0 0 * * *`), "
     "'rate(1 hour)' or 'at(2030-01-01T09:00:00)'\n"),
    # a missing file that looks like one: the file's error
    (["next", "missing.yaml"], 1, "", "missing.yaml: error: cannot read the spec: No such file or directory\n"),
    (["validate", "missing.yaml"], 1, "",
     "missing.yaml: error: cannot read the spec: No such file or directory\nmissing.yaml: 1 error\n"),
    (["render", "missing.txt", "--vars", "missing.json"], 1, "",
     "cloudcron render: missing.txt: No such file or directory\n"),
    (["render", "examples/basic/templates/alert.html", "--vars", "missing.json"], 1, "",
     "cloudcron render: missing.json: No such file or directory\n"),
    (["import", "crontab", "missing", "--image", "123456789012.dkr.ecr.us-west-2.amazonaws.com/jobs:1"], 1, "",
     "missing: error: cannot read the crontab: No such file or directory\nmissing: 1 error; nothing written\n"),
    (["next", "rate(1 hour)", "--after", "yesterday"], 2, "",
     "cloudcron next: --after takes an RFC 3339 time like 2025-03-10T02:30:00Z, not 'yesterday'\n"
     "Try 'cloudcron next --help'.\n"),
]


def main():
    passed = failed = 0
    for args, status, out, err in CASES:
        p = subprocess.run(WRAP + [BIN, *args], cwd=SRC, capture_output=True, text=True)
        if (p.returncode, p.stdout, p.stderr) == (status, out, err):
            passed += 1
        else:
            failed += 1
            print(f"FAIL cloudcron {' '.join(args)}\n  status {p.returncode} (want {status})\n"
                  f"  stdout {p.stdout!r}\n  want   {out!r}\n  stderr {p.stderr!r}\n  want   {err!r}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
