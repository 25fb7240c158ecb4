#!/usr/bin/env python3
"""runtime/python installs with pip (offline: the build backend is the
installed setuptools) into a fresh target directory, and the installed
package, not the source tree, imports and checks a message."""
import os
import subprocess
import sys
import tempfile

SRC = os.environ["CC_SRC"]
with tempfile.TemporaryDirectory() as tmp:
    target = os.path.join(tmp, "site")
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "--no-index", "--target", target,
                        os.path.join(SRC, "runtime", "python")],
                       capture_output=True, text=True, cwd=tmp)
    if r.returncode != 0:
        print(r.stdout, r.stderr)
        sys.exit(1)
    code = ("import cloudcron, cloudcron.testing, cloudcron.templates, sys; assert cloudcron.__file__.startswith(sys.argv[1]), cloudcron.__file__; "
            "print(cloudcron.check({'subject': 'x', 'var': {}}))")
    r = subprocess.run([sys.executable, "-c", code, target], capture_output=True, text=True, cwd=tmp,
                       env=dict(os.environ, PYTHONPATH=target))
    want = 'unknown key "var" (did you mean "vars"?)\n'
    if r.returncode != 0 or r.stdout != want:
        print(f"installed package: exit {r.returncode}, {r.stdout!r} {r.stderr}, want {want!r}")
        sys.exit(1)
    print("installed and imported from", target)
