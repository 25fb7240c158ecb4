#!/usr/bin/env python3
"""End to end on loopback: moto_server stands in for AWS on a free port; the
stack cloudcron generates for examples/basic is applied against it and then
destroyed, both of which must succeed and leave an empty state."""
import glob
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SRC = os.environ.get("CC_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BIN = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron"))
SERVICES = ["cloudwatchlogs", "iam", "lambda", "scheduler", "sns", "sqs", "sts", "ses", "ecr", "secretsmanager", "s3"]

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_terraform import find_mirror, offline_env  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, proc, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            return True
        except OSError:
            time.sleep(0.2)
    return False


def main():
    mirror = find_mirror()
    if not mirror:
        print("no hashicorp/aws provider mirror on this machine")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        spec = os.path.join(SRC, "examples/basic/cloudcron.yaml")
        wrap = shlex.split(os.environ.get("CC_WRAP", ""))
        r = subprocess.run([*wrap, BIN, "generate", spec, "-o", out], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL generate\n{r.stdout}{r.stderr}")
            return 1
        stacks = sorted(glob.glob(os.path.join(out, "stacks/*")))
        if len(stacks) != 1:
            print(f"FAIL expected one stack, got {stacks}")
            return 1
        stack = stacks[0]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        # The provider block of the stack stays as generated; an override file
        # (Terraform merges *_override.tf into it) points every service at moto.
        with open(os.path.join(stack, "moto_override.tf"), "w") as f:
            f.write('provider "aws" {\n  access_key                  = "testing"\n  secret_key                  = "testing"\n'
                    '  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n'
                    '  skip_metadata_api_check     = true\n\n  endpoints {\n')
            for s in SERVICES:
                f.write(f'    {s} = "{url}"\n')
            f.write("  }\n}\n")
        env = dict(offline_env(tmp, mirror), AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
        log = open(os.path.join(tmp, "moto.log"), "w")
        moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
        failed = 0
        try:
            if not wait_up(url, moto):
                print("FAIL moto_server did not start")
                return 1
            steps = [["init", "-input=false", "-no-color"],
                     ["apply", "-auto-approve", "-input=false", "-no-color"],
                     ["state", "list"],
                     ["destroy", "-auto-approve", "-input=false", "-no-color"],
                     ["state", "list"]]
            for i, cmd in enumerate(steps):
                p = subprocess.run(["terraform", *cmd], cwd=stack, capture_output=True, text=True, env=env)
                ok = p.returncode == 0
                if cmd[0] == "state" and ok:
                    n = len(p.stdout.split())
                    # After apply the state holds the stack; after destroy, nothing.
                    ok = n > 0 if i == 2 else n == 0
                    print(f"{'after apply' if i == 2 else 'after destroy'}: {n} resources in state")
                print(f"{'ok' if ok else 'FAIL'} terraform {cmd[0]}")
                if not ok:
                    failed += 1
                    print(p.stdout[-4000:], p.stderr[-4000:])
                    if cmd[0] in ("init", "apply"):
                        subprocess.run(["terraform", "destroy", "-auto-approve", "-no-color"], cwd=stack,
                                       capture_output=True, env=env)
                        break
        finally:
            moto.terminate()
            try:
                moto.wait(10)
            except subprocess.TimeoutExpired:
                moto.kill()
            log.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
