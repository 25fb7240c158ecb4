"""The golden runner shared by tests/spec/run_golden.py and
tests/import/run_golden.py: for each case folder, run the `cloudcron`
command a script names, compare the outputs it names with the files of the
same name in the folder (or rewrite them with --update), and check the exit
status the expected files imply.

A script calls run(cases_dir, command, outputs, want_status, check=None):
  command(case_dir) -> argv after the binary (the binary runs in case_dir)
  outputs           the expected files, a subset of ("stdout", "stderr")
  want_status(expected) -> the exit status implied by the expected files
  check(binary, wrap, env, proc, want) -> a list of further problems
The binary is $CC_BIN/cloudcron (default build/bin), run under $CC_WRAP
(e.g. valgrind) with CLOUDCRON_NOW=2026-06-01T00:00:00Z unless set. Every
output not compared must be empty."""
import os
import shlex
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def run(argv, cases_dir, command, outputs, want_status, check=None):
    update = "--update" in argv[1:]
    binary = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(HERE, "../build/bin")), "cloudcron"))
    wrap = shlex.split(os.environ.get("CC_WRAP", ""))
    env = dict(os.environ)
    env.setdefault("CLOUDCRON_NOW", "2026-06-01T00:00:00Z")
    passed = failed = 0
    for case in sorted(os.listdir(cases_dir)):
        d = os.path.join(cases_dir, case)
        proc = subprocess.run(wrap + [binary] + command(d), cwd=d, capture_output=True, text=True, env=env)
        got = {"stdout": proc.stdout, "stderr": proc.stderr}
        if update:
            for name in outputs:
                with open(os.path.join(d, name), "w") as f:
                    f.write(got[name])
            continue
        want = {}
        for name in outputs:
            with open(os.path.join(d, name)) as f:
                want[name] = f.read()
        status = want_status(want)
        problems = []
        if proc.returncode != status:
            problems.append(f"exit status {proc.returncode}, expected {status}")
        for name in ("stdout", "stderr"):
            if name in want and got[name] != want[name]:
                problems.append(f"{name} differs:\n--- expected\n{want[name]}--- actual\n{got[name]}")
            elif name not in want and got[name]:
                problems.append(f"unexpected {name}:\n{got[name]}")
        if check:
            problems += check(binary, wrap, env, proc, want)
        if problems:
            failed += 1
            print(f"FAIL {case}: " + "\n".join(problems))
        else:
            passed += 1
    if not update:
        print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
