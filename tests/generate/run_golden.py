#!/usr/bin/env python3
"""Golden tests of `cloudcron generate`: for each tests/generate/cases/NAME/
the spec (with the files it names) is copied to a scratch folder and
generated into out/ there; the stacks/ part must equal expected/stacks/
byte for byte, the modules/ part must equal modules-out/modules/ (one copy
of the modules, kept in step by generate_behaviour), and `--check` on the
fresh tree must pass.

  run_golden.py            compare
  run_golden.py --update   rewrite every expected/ from the generator
  run_golden.py --terraform
                           also: terraform fmt -check on the tree, and
                           init (offline, from the provider mirror) and
                           validate of every stack"""
import filecmp
import glob
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("CC_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BIN = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron"))
WRAP = shlex.split(os.environ.get("CC_WRAP", ""))
CASES = os.path.join(SRC, "tests/generate/cases")
os.environ.setdefault("CLOUDCRON_NOW", "2026-06-01T00:00:00Z")  # the schedule warnings do not age


def tree(folder):
    out = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != ".terraform"]
        for f in files:
            if f == ".terraform.lock.hcl":
                continue
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, folder)] = fh.read()
    return out


def diff(want, got):
    lines = []
    for k in sorted(set(want) | set(got)):
        if k not in got:
            lines.append(f"  missing: {k}")
        elif k not in want:
            lines.append(f"  unexpected: {k}")
        elif want[k] != got[k]:
            import difflib
            d = difflib.unified_diff(want[k].decode(errors="replace").splitlines(),
                                     got[k].decode(errors="replace").splitlines(), "expected/" + k, k, lineterm="", n=1)
            lines.append("\n".join(list(d)[:40]))
    return "\n".join(lines)


def main(argv):
    update = "--update" in argv
    with_tf = "--terraform" in argv
    names = sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(os.path.join(CASES, "*/spec.yaml")))
    passed = failed = 0
    env = None

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}: {detail}")

    check("at least 5 cases", len(names) >= 5, names)
    modules_ref = tree(os.path.join(SRC, "modules-out/modules"))
    with tempfile.TemporaryDirectory() as tmp:
        if with_tf:
            sys.path.insert(0, os.path.join(SRC, "tests/terraform"))
            import run_terraform
            mirror = run_terraform.find_mirror()
            if not mirror:
                print("no hashicorp/aws provider mirror on this machine")
                return 1
            env = run_terraform.offline_env(tmp, mirror)
        for name in names:
            case = os.path.join(tmp, name)
            shutil.copytree(os.path.join(CASES, name), case, ignore=shutil.ignore_patterns("expected"))
            r = subprocess.run(WRAP + [BIN, "generate", "spec.yaml", "-o", "out"], cwd=case, capture_output=True, text=True)
            check(f"{name}: generate", r.returncode == 0 and "warning" not in r.stderr, r.stderr)
            if r.returncode:
                continue
            out = os.path.join(case, "out")
            got = tree(os.path.join(out, "stacks"))
            expected = os.path.join(CASES, name, "expected", "stacks")
            if update:
                shutil.rmtree(os.path.join(CASES, name, "expected"), ignore_errors=True)
                shutil.copytree(os.path.join(out, "stacks"), expected)
                print(f"updated {name}")
                continue
            want = tree(expected)
            check(f"{name}: stacks/ as expected", want == got, diff(want, got))
            check(f"{name}: modules/ as in modules-out", tree(os.path.join(out, "modules")) == modules_ref,
                  diff(modules_ref, tree(os.path.join(out, "modules"))))
            r = subprocess.run(WRAP + [BIN, "generate", "spec.yaml", "-o", "out", "--check"], cwd=case,
                               capture_output=True, text=True)
            check(f"{name}: --check passes on a fresh tree", r.returncode == 0, r.stdout + r.stderr)
            if with_tf:
                r = subprocess.run(["terraform", "fmt", "-check", "-recursive", "-diff", out], capture_output=True,
                                   text=True, env=env)
                check(f"{name}: terraform fmt -check", r.returncode == 0, r.stdout + r.stderr)
                for stack in sorted(glob.glob(os.path.join(out, "stacks/*"))):
                    for cmd in (["init", "-input=false", "-no-color", "-backend=false"], ["validate", "-no-color"]):
                        r = subprocess.run(["terraform", *cmd], cwd=stack, capture_output=True, text=True, env=env)
                        check(f"{name}: {os.path.relpath(stack, out)}: terraform {cmd[0]}", r.returncode == 0,
                              r.stdout + r.stderr)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
