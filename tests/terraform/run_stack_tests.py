#!/usr/bin/env python3
"""`terraform test` of generated root stacks, with a mocked AWS provider.

For each folder tests/terraform/stack_tests/CASE/, the spec of the golden
case tests/generate/cases/CASE/spec.yaml is generated into a temporary
folder, the folder's *.tftest.hcl files are put in the stack's tests/, and
`terraform init` (offline, from the provider mirror) and `terraform test`
must pass. What the stack holds beyond the modules (the CloudWatch alarms
of `alarms:`) is asserted here; the modules have tests of their own
(run_terraform.py)."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "../.."))
BIN = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron"))
sys.path.insert(0, HERE)
from run_terraform import find_mirror, offline_env  # noqa: E402


def main():
    mirror = find_mirror()
    if not mirror:
        print("no hashicorp/aws provider mirror on this machine (find / -name 'terraform-provider-aws_*')")
        return 1
    cases = sorted(glob.glob(os.path.join(HERE, "stack_tests/*/")))
    if not cases:
        print("no cases under stack_tests/")
        return 1
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        env = offline_env(tmp, mirror)
        for case_dir in cases:
            case = os.path.basename(os.path.dirname(case_dir))
            out = os.path.join(tmp, case)
            spec = os.path.join(SRC, "tests/generate/cases", case, "spec.yaml")
            r = subprocess.run([BIN, "generate", spec, "-o", out], capture_output=True, text=True,
                               env=dict(os.environ, CLOUDCRON_NOW="2026-06-01T00:00:00Z"))
            stacks = glob.glob(os.path.join(out, "stacks/*"))
            if r.returncode != 0 or len(stacks) != 1:
                failed += 1
                print(f"FAIL {case}: generate\n{r.stdout}{r.stderr}")
                continue
            tests = os.path.join(stacks[0], "tests")
            os.makedirs(tests)
            for f in glob.glob(os.path.join(case_dir, "*.tftest.hcl")):
                shutil.copy(f, tests)
            for cmd in (["init", "-input=false", "-no-color", "-backend=false"], ["test", "-no-color"]):
                p = subprocess.run(["terraform", *cmd], cwd=stacks[0], capture_output=True, text=True, env=env)
                if p.returncode != 0:
                    failed += 1
                    print(f"FAIL {case}: terraform {cmd[0]}\n{p.stdout}{p.stderr}")
                    break
                if cmd[0] == "test":
                    print(f"{case}: " + p.stdout.strip().splitlines()[-1])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
