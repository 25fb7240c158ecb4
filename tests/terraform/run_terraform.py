#!/usr/bin/env python3
"""Terraform itself judges what cloudcron generates: for every example, the
whole tree is in `terraform fmt` form, every stack initialises offline
from the machine's provider mirror and passes `terraform validate`, and every
module with tests passes `terraform test` (mock_provider "aws", no network)."""
import glob
import os
import subprocess
import sys
import tempfile

SRC = os.environ.get("CC_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BIN = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron"))


def find_mirror():
    """The folder above registry.terraform.io holding the hashicorp/aws provider."""
    for root in ("/opt", "/usr/local", "/usr/share", "/root", "/"):
        out = subprocess.run(["find", root, "-name", "terraform-provider-aws_*", "-not", "-path", "/proc/*"],
                             capture_output=True, text=True).stdout.split()
        for path in out:
            parts = path.split(os.sep)
            if "registry.terraform.io" in parts:
                return os.sep.join(parts[:parts.index("registry.terraform.io")])
    return None


def offline_env(tmp, mirror):
    """The environment for terraform to install hashicorp/aws from MIRROR
    only, with its CLI config and plugin cache in TMP."""
    cfg = os.path.join(tmp, "cli.tfrc")
    with open(cfg, "w") as f:
        f.write('provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n'
                '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
                '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n' % mirror)
    env = dict(os.environ, TF_CLI_CONFIG_FILE=cfg, TF_PLUGIN_CACHE_DIR=os.path.join(tmp, "cache"),
               TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    os.makedirs(env["TF_PLUGIN_CACHE_DIR"], exist_ok=True)
    return env


def main():
    mirror = find_mirror()
    if not mirror:
        print("no hashicorp/aws provider mirror on this machine (find / -name 'terraform-provider-aws_*')")
        return 1
    passed = failed = 0
    tested = set()
    with tempfile.TemporaryDirectory() as tmp:
        env = offline_env(tmp, mirror)
        for spec in sorted(glob.glob(os.path.join(SRC, "examples/*/cloudcron.yaml"))):
            name = os.path.basename(os.path.dirname(spec))
            out = os.path.join(tmp, name)
            r = subprocess.run([BIN, "generate", spec, "-o", out], capture_output=True, text=True)
            steps = [("generate", r)]
            if r.returncode == 0:
                steps.append(("fmt -check", subprocess.run(["terraform", "fmt", "-check", "-recursive", "-diff", out],
                                                            capture_output=True, text=True, env=env)))
                for stack in sorted(glob.glob(os.path.join(out, "stacks/*"))):
                    for cmd in (["init", "-input=false", "-no-color", "-backend=false"], ["validate", "-no-color"]):
                        steps.append((f"{os.path.relpath(stack, out)}: terraform {cmd[0]}",
                                      subprocess.run(["terraform", *cmd], cwd=stack, capture_output=True, text=True, env=env)))
                # Every module validates on its own and passes its tests
                # (tests/*.tftest.hcl, mock_provider "aws"); each module is
                # checked once, from the first example that writes it.
                for module in sorted(glob.glob(os.path.join(out, "modules/*"))):
                    mname = os.path.basename(module)
                    if mname in tested:
                        continue
                    tested.add(mname)
                    if not glob.glob(os.path.join(module, "tests/*.tftest.hcl")):
                        failed += 1
                        print(f"FAIL modules/{mname}: no tests/*.tftest.hcl")
                    for cmd in (["init", "-input=false", "-no-color", "-backend=false"], ["validate", "-no-color"],
                                ["test", "-no-color"]):
                        steps.append((f"modules/{mname}: terraform {cmd[0]}",
                                      subprocess.run(["terraform", *cmd], cwd=module, capture_output=True, text=True, env=env)))
            for label, proc in steps:
                if proc.returncode == 0:
                    passed += 1
                else:
                    failed += 1
                    print(f"FAIL {name}: {label}\n{proc.stdout}{proc.stderr}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
