#!/usr/bin/env python3
"""The example task's Dockerfile, as far as this machine can go without a
Docker engine: its build stage's COPY lines are applied to an empty
directory standing for the image's /cc (ARG defaults substituted), its
cmake steps run there as written (so a file the build needs but the
Dockerfile forgets to copy fails here), and the result is checked to be
the bootstrap the final stage copies, runnable. Its library bundle is
checked to hold every library outside glibc. Then the same build stage
with TASK_DIR naming another task directory (a one-file task made here):
the Dockerfile builds any task directory. The base images are not
exercised."""
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile

SRC = os.environ["CC_SRC"]
DOCKERFILE = os.path.join(SRC, "examples", "task-c", "Dockerfile")
fails = []

# Dockerfile lines, with continuations joined and comments dropped.
lines, cur = [], ""
for raw in open(DOCKERFILE):
    s = raw.rstrip("\n")
    if not cur and s.lstrip().startswith("#"):
        continue
    if s.endswith("\\"):
        cur += s[:-1] + " "
        continue
    cur += s
    if cur.strip():
        lines.append(cur.strip())
    cur = ""
stages = [i for i, l in enumerate(lines) if l.startswith("FROM ")]
if len(stages) != 2:
    fails.append(f"expected two stages, found {len(stages)}")
build, final = lines[stages[0]:stages[1]], lines[stages[1]:]
if not re.match(r"FROM public\.ecr\.aws/amazonlinux/amazonlinux:2023 AS build$", build[0]):
    fails.append(f"build stage: {build[0]}")
if final[0] != "FROM public.ecr.aws/lambda/provided:al2023":
    fails.append(f"final stage: {final[0]}")
copy_out = [l for l in final if l.startswith("COPY --from=build ") and l.endswith(" ${LAMBDA_RUNTIME_DIR}/bootstrap")]
if len(copy_out) != 1:
    fails.append(f"the final stage must copy the binary to ${{LAMBDA_RUNTIME_DIR}}/bootstrap: {final}")
if "COPY --from=build /cc/build/lib/ ${LAMBDA_RUNTIME_DIR}/lib/" not in final:
    fails.append(f"the final stage must copy the bundled libraries to ${{LAMBDA_RUNTIME_DIR}}/lib/: {final}")
if any(l.startswith("RUN ") for l in final):
    fails.append("the final stage runs commands; it should only copy")



def replay(root, args, context):
    """Runs the build stage's COPY and RUN lines with /cc/ as root/;
    returns the failures."""
    out = []
    for l in build:
        for k, v in args.items():
            l = l.replace("${" + k + "}", v)
        if l.startswith("ARG "):
            continue
        if l.startswith("COPY "):
            *srcs, dst = shlex.split(l)[1:]
            dst = dst.replace("/cc/", root + "/") if dst.startswith("/cc/") else os.path.join(root, "src", dst)
            for s_ in srcs:
                src_path = os.path.join(context, s_)
                if os.path.isdir(src_path):
                    shutil.copytree(src_path, dst.rstrip("/"), dirs_exist_ok=True)
                else:  # COPY file ./ : into the work directory
                    shutil.copy(src_path, os.path.join(dst, os.path.basename(s_)))
        elif l.startswith("RUN ") and not l.startswith("RUN dnf "):
            cmd = l[4:].replace("/cc/", root + "/").replace('"$(nproc)"', "2")
            p = subprocess.run(cmd, shell=True, cwd=os.path.join(root, "src"), capture_output=True, text=True)
            if p.returncode != 0:
                out.append(f"{cmd}\n{p.stdout[-3000:]}{p.stderr[-3000:]}")
                break
    return out


defaults = dict(re.findall(r"^ARG (\w+)=(\S+)$", "\n".join(build), re.M))
if defaults.get("TASK_DIR") != "examples/task-c":
    fails.append(f"ARG TASK_DIR should default to examples/task-c: {defaults}")
with tempfile.TemporaryDirectory() as tmp:
    root = os.path.join(tmp, "cc")
    os.makedirs(os.path.join(root, "src"))
    out = os.path.join(root, "build")
    fails += replay(root, defaults, SRC)
    if not fails:
        binary = shlex.split(copy_out[0])[2]
        path = binary.replace("/cc/", root + "/")
        if not os.path.isfile(path):
            fails.append(f"the final stage copies {binary}, which the build stage did not make")
        else:
            p = subprocess.run([path, "--help"], capture_output=True, text=True)
            if p.returncode != 0 or "--event" not in p.stdout:
                fails.append(f"{path} --help: exit {p.returncode}: {p.stdout} {p.stderr}")
            # the bundle holds every library outside glibc, and nothing of glibc
            libs = sorted(os.listdir(os.path.join(out, "lib")))
            for want in ("libjansson.so", "libcurl.so", "libcrypto.so"):
                if not any(x.startswith(want) for x in libs):
                    fails.append(f"{want} is not bundled: {libs}")
            for glibc in ("libc.so", "libm.so", "ld-linux"):
                if any(x.startswith(glibc) for x in libs):
                    fails.append(f"glibc's {glibc} is bundled: {libs}")
            # with only the bundle and glibc on the path, every library resolves,
            # the task's and those of the two libraries the runtime opens itself
            outs = []
            for f in [path] + [os.path.join(out, "lib", x) for x in libs
                               if x.startswith(("libcurl.so", "libcrypto.so"))]:
                p = subprocess.run(["ldd", f], env=dict(os.environ, LD_LIBRARY_PATH=os.path.join(out, "lib")),
                                   capture_output=True, text=True)
                outs += p.stdout.splitlines()
            for l in outs:
                if "=>" in l and "/" in l.split("=>")[1] and not any(
                        g in l.split("=>")[0] for g in ("libc.", "libm.", "libdl", "libpthread", "librt", "libresolv", "ld-linux")):
                    if not l.split("=>")[1].strip().startswith(os.path.join(out, "lib")):
                        fails.append(f"not from the bundle: {l.strip()}")
            # and the task, run with the bundle first on the path, opens those
            # two from it when its first AWS call signs (libcrypto) and sends
            # (libcurl; to a closed loopback port, so the publish fails)
            with socket.socket() as sk:
                sk.bind(("127.0.0.1", 0))
                port = sk.getsockname()[1]
            env = dict(os.environ, LD_LIBRARY_PATH=os.path.join(out, "lib"), LD_DEBUG="libs",
                       AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_REGION="us-east-1",
                       AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                       CLOUDCRON_TOPIC_ALERTS="arn:aws:sns:us-east-1:123456789012:alerts.fifo")
            p = subprocess.run([path, "--event", "-"], input='{"paths": ["/tmp"], "threshold": 0}', env=env,
                               capture_output=True, text=True, timeout=60)
            for so in ("libcurl.so.4", "libcrypto.so.3"):
                if f"calling init: {os.path.join(out, 'lib', so)}" not in p.stderr:
                    fails.append(f"the task did not open {so} from the bundle on its first AWS call: "
                                 f"{p.stderr[-2000:]}")
            if "cannot load" in p.stderr or "publish to" not in p.stderr or p.returncode == 0:
                fails.append(f"the publish must fail on the network, not on loading: exit {p.returncode}: "
                             f"{p.stderr[-2000:]}")
# any task directory: a context holding the SDK's sources and another task
OTHER = """#include <cloudcron.h>
static int t(cloudcron_ctx *ctx, const json_t *e) { (void)e; cloudcron_set_result(ctx, json_pack("{s:s}", "hello", cloudcron_task_name(ctx))); return CC_OK; }
int main(int argc, char **argv) { return cloudcron_main(argc, argv, t); }
"""
with tempfile.TemporaryDirectory() as tmp:
    context = os.path.join(tmp, "context")
    os.makedirs(context)
    for part in ("CMakeLists.txt", "cmake", "lib", "runtime"):
        (shutil.copytree if os.path.isdir(os.path.join(SRC, part)) else shutil.copy)(
            os.path.join(SRC, part), os.path.join(context, part))
    os.makedirs(os.path.join(context, "tasks", "hello"))
    open(os.path.join(context, "tasks", "hello", "hello.c"), "w").write(OTHER)
    open(os.path.join(context, "tasks", "hello", "CMakeLists.txt"), "w").write(
        "cmake_minimum_required(VERSION 3.20)\nproject(hello C)\nfind_package(cloudcron REQUIRED)\n"
        "add_executable(hello hello.c)\ntarget_link_libraries(hello PRIVATE cloudcron::cloudcron)\n")
    root = os.path.join(tmp, "cc")
    os.makedirs(os.path.join(root, "src"))
    errs = replay(root, dict(defaults, TASK_DIR="tasks/hello"), context)
    fails += [f"TASK_DIR=tasks/hello: {e}" for e in errs]
    if not errs:
        p = subprocess.run([os.path.join(root, "build", "bootstrap"), "--event", "-"], input="{}",
                           env=dict(os.environ, CLOUDCRON_TASK_NAME="hello-task"), capture_output=True, text=True)
        if p.returncode != 0 or json.loads(p.stdout or "{}") != {"hello": "hello-task"}:
            fails.append(f"TASK_DIR=tasks/hello: the bootstrap ran: exit {p.returncode} {p.stdout} {p.stderr}")
for f in fails:
    print("FAIL", f)
print(f"Dockerfile build stage: {len(fails)} failures")
sys.exit(1 if fails else 0)
