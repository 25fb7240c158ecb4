#!/usr/bin/env python3
"""The installed C SDK, used from outside this repository: a runtime-only
build of the SDK (as docs/HOWTO-write-a-task.md builds it) and
`cmake --install BUILD --component sdk` into a temporary prefix; the public
header compiles on its own (only the prefix and jansson on the include
path, -std=c11 -pedantic -Werror) and its return codes are cc/err.h's; a
task written here is built in a directory outside the source tree with
only pkg-config (`pkg-config --cflags --libs --static cloudcron`), and a
copy of examples/task-c with CMake's find_package(cloudcron); each is run
with --event against moto_server, and the message read back from an SQS
queue subscribed to the topic (raw delivery): body, group, dedup id,
attributes. Then the shared variant: the same build with -DCC_SDK_SHARED=ON
installed into a second prefix exports exactly the
functions cloudcron.h declares, and a task linked to cloudcron::shared runs
and publishes the same way."""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from moto_util import Moto  # noqa: E402

SRC = os.environ["CC_SRC"]
WRAP = shlex.split(os.environ.get("CC_WRAP", ""))
fails = []


def expect(name, cond, detail=""):
    if not cond:
        fails.append(f"{name}: {detail}")


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise SystemExit(f"FAIL {' '.join(cmd)}: exit {p.returncode}\n{p.stdout[-3000:]}{p.stderr[-3000:]}")
    return p


TASK = r'''
#include <cloudcron.h>
#include <string.h>

static int task(cloudcron_ctx *ctx, const json_t *event) {
  const char *host = json_string_value(json_object_get(event, "host"));
  json_t *vars = json_pack("{s:s,s:f}", "host", host ? host : "?", "pct", 93.4);
  cloudcron_attr attrs[] = {{"severity", "String", "critical"}, {"pct", "Number", "93.4"}};
  cloudcron_publish_opts opts = {.attrs = attrs, .n_attrs = 2};
  int rc = cloudcron_publish_ex(ctx, "alerts", "Disk usage above 90%", vars, NULL, &opts);
  json_decref(vars);
  if (rc != CC_OK) return rc;
  cloudcron_set_result(ctx, json_pack("{s:s}", "message_id", cloudcron_last_message_id(ctx)));
  return strcmp(cc_strerror(CC_EINVAL), "") ? CC_OK : CC_ERR;
}

int main(int argc, char **argv) { return cloudcron_main(argc, argv, task); }
'''

with tempfile.TemporaryDirectory() as tmp:
    # the SDK built as the HOWTO says (runtime only, Release), not this test's
    # build tree, whose sanitizer flags an outside project would not have;
    # the same tree then adds the shared library for the second prefix
    sdk_build, prefix = os.path.join(tmp, "sdk-build"), os.path.join(tmp, "prefix")
    run(["cmake", "-S", SRC, "-B", sdk_build, "-DCC_RUNTIME_ONLY=ON", "-DBUILD_TESTING=OFF", "-DCC_WERROR=ON",
         "-DCMAKE_BUILD_TYPE=Release"])
    run(["cmake", "--build", sdk_build, "--target", "cloudcron_sdk", "-j2"])
    run(["cmake", "--install", sdk_build, "--prefix", prefix, "--component", "sdk"])
    installed = sorted(os.path.relpath(os.path.join(d, f), prefix) for d, _, fs in os.walk(prefix) for f in fs)
    for want in ("include/cloudcron.h", "lib/libcloudcron.a", "lib/pkgconfig/cloudcron.pc",
                 "lib/cmake/cloudcron/cloudcronConfig.cmake", "lib/cmake/cloudcron/cloudcronConfigVersion.cmake"):
        expect("installed " + want, want in installed, installed)
    expect("one header", [f for f in installed if f.startswith("include/")] == ["include/cloudcron.h"], installed)
    header = open(os.path.join(prefix, "include", "cloudcron.h")).read()
    expect("no project header included", not re.search(r'#include\s+"', header),
           re.findall(r"#include.*", header))

    # the codes in the public header are cc/err.h's
    def codes(text):
        return dict(re.findall(r"\b(CC_[A-Z]+)\s*=\s*(-?\d+)", text))
    internal = codes(open(os.path.join(SRC, "lib", "include", "cc", "err.h")).read())
    expect("codes", codes(header) == internal and len(internal) >= 11, (codes(header), internal))

    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(prefix, "lib", "pkgconfig"))
    cflags = shlex.split(run(["pkg-config", "--cflags", "cloudcron"], env=env).stdout)
    libs = shlex.split(run(["pkg-config", "--libs", "--static", "cloudcron"], env=env).stdout)
    expect("pkg-config names the prefix", any(os.path.realpath(f[2:]) == os.path.realpath(os.path.join(prefix, "include"))
                                              for f in cflags if f.startswith("-I")), cflags)
    # the header alone, strictly
    hdr_dir = os.path.join(tmp, "hdr")
    os.makedirs(hdr_dir)
    open(os.path.join(hdr_dir, "h.c"), "w").write("#include <cloudcron.h>\nint main(void) { return CC_OK; }\n")
    run(["cc", "-std=c11", "-pedantic", "-Wall", "-Wextra", "-Werror", "-c", "h.c", *cflags], cwd=hdr_dir)

    # a task outside the source tree, with only pkg-config
    pc_dir = os.path.join(tmp, "task-pc")
    os.makedirs(pc_dir)
    open(os.path.join(pc_dir, "task.c"), "w").write(TASK)
    run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", "my-task", "task.c", *cflags, *libs],
        cwd=pc_dir, env=env)
    # examples/task-c, copied out, with find_package
    cm_src, cm_build = os.path.join(tmp, "task-cmake"), os.path.join(tmp, "task-cmake-build")
    shutil.copytree(os.path.join(SRC, "examples", "task-c"), cm_src)
    run(["cmake", "-S", cm_src, "-B", cm_build, f"-DCMAKE_PREFIX_PATH={prefix}", "-DCMAKE_BUILD_TYPE=Release"])
    run(["cmake", "--build", cm_build, "-j2"])
    cache = open(os.path.join(cm_build, "CMakeCache.txt")).read()
    expect("find_package found the prefix", os.path.join(prefix, "lib", "cmake", "cloudcron") in cache,
           re.findall(r"cloudcron_DIR.*", cache))

    # the shared variant, from a runtime-only build of its own
    sh_build, sh_prefix = sdk_build, os.path.join(tmp, "shared-prefix")
    run(["cmake", "-S", SRC, "-B", sh_build, "-DCC_SDK_SHARED=ON"])
    run(["cmake", "--build", sh_build, "--target", "cloudcron_sdk", "cloudcron_sdk_shared", "-j2"])
    run(["cmake", "--install", sh_build, "--prefix", sh_prefix, "--component", "sdk"])
    so = os.path.join(sh_prefix, "lib", "libcloudcron.so")
    expect("shared library installed", os.path.exists(so), os.listdir(os.path.join(sh_prefix, "lib")))
    exported = set(run(["nm", "-D", "--defined-only", so]).stdout.split()[2::3])
    declared = set(re.findall(r"\b(cloudcron_[a-z_]+|cc_strerror)\(", re.sub(r"/\*.*?\*/", "", header, flags=re.S)))
    expect("exports = the header's functions", exported == declared,
           f"only exported {sorted(exported - declared)}, only declared {sorted(declared - exported)}")
    sh_dir = os.path.join(tmp, "task-shared")
    os.makedirs(sh_dir)
    open(os.path.join(sh_dir, "task.c"), "w").write(TASK)
    open(os.path.join(sh_dir, "CMakeLists.txt"), "w").write(
        "cmake_minimum_required(VERSION 3.20)\nproject(t C)\nfind_package(cloudcron REQUIRED)\n"
        "add_executable(my-task task.c)\ntarget_link_libraries(my-task PRIVATE cloudcron::shared)\n")
    run(["cmake", "-S", sh_dir, "-B", os.path.join(sh_dir, "b"), f"-DCMAKE_PREFIX_PATH={sh_prefix}"])
    run(["cmake", "--build", os.path.join(sh_dir, "b")])
    ldd = run(["ldd", os.path.join(sh_dir, "b", "my-task")]).stdout
    expect("the shared task links libcloudcron.so", os.path.realpath(so) in
           {os.path.realpath(w) for w in ldd.split() if "libcloudcron" in w}, ldd)

    with Moto(os.path.join(tmp, "moto.log")) as moto:
        sns, sqs = moto.client("sns"), moto.client("sqs")
        topic = sns.create_topic(Name="alerts.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
        q = sqs.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn, Attributes={"RawMessageDelivery": "true"})
        task_env = moto.env(CLOUDCRON_TOPIC_ALERTS=topic, CLOUDCRON_TASK_NAME="installed-task")

        def receive():
            got = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10, AttributeNames=["All"],
                                      MessageAttributeNames=["All"]).get("Messages", [])
            for m in got:
                sqs.delete_message(QueueUrl=q, ReceiptHandle=m["ReceiptHandle"])
            return got

        ev = os.path.join(tmp, "event.json")
        json.dump({"host": "db-7"}, open(ev, "w"))
        p = subprocess.run(WRAP + [os.path.join(pc_dir, "my-task"), "--event", ev], env=task_env,
                           capture_output=True, text=True)
        expect("pkg-config task: exit 0", p.returncode == 0, p.stderr)
        got = receive()
        body = '{"subject":"Disk usage above 90%","vars":{"host":"db-7","pct":93.4}}'
        import hashlib
        expect("pkg-config task: delivered", len(got) == 1 and got[0]["Body"] == body, got)
        if got:
            a = got[0]["Attributes"]
            ma = {k: (v["DataType"], v["StringValue"]) for k, v in got[0].get("MessageAttributes", {}).items()}
            expect("group", a.get("MessageGroupId") == "installed-task", a)
            expect("dedup id = SHA-256 of the body", a.get("MessageDeduplicationId") == hashlib.sha256(body.encode()).hexdigest(), a)
            expect("attributes", ma == {"severity": ("String", "critical"), "pct": ("Number", "93.4")}, ma)
            expect("result", p.stdout.strip() == json.dumps({"message_id": got[0]["MessageId"]}, separators=(",", ":"))
                   or json.loads(p.stdout).get("message_id"), p.stdout)

        json.dump({"host": "db-9"}, open(ev, "w"))  # another body: the SHA-256 dedup id must differ
        p = subprocess.run(WRAP + [os.path.join(sh_dir, "b", "my-task"), "--event", ev], env=task_env,
                           capture_output=True, text=True)
        got = receive()
        expect("shared task: delivered", p.returncode == 0 and len(got) == 1 and got[0]["Body"] == body.replace("db-7", "db-9"),
               (p.stderr, got))

        json.dump({"paths": ["/tmp"], "threshold": 0, "host": "db-8", "scheduled_time": "2026-11-22T02:00:00Z"},
                  open(ev, "w"))
        p = subprocess.run(WRAP + [os.path.join(cm_build, "cloudcron-example-task"), "--event", ev], env=task_env,
                           capture_output=True, text=True)
        expect("find_package task: exit 0", p.returncode == 0 and json.loads(p.stdout or "{}").get("alerts") == 1,
               (p.stdout, p.stderr))
        got = receive()
        expect("find_package task: delivered", len(got) == 1, got)
        if got:
            m = json.loads(got[0]["Body"])
            expect("find_package task: body", m.get("subject") == "Disk usage above 0% on db-8:/tmp"
                   and m.get("dedup_id") == "disk--tmp-2026-11-22T02:00:00Z", m)
            expect("find_package task: dedup id", got[0]["Attributes"].get("MessageDeduplicationId")
                   == "disk--tmp-2026-11-22T02:00:00Z", got[0]["Attributes"])

for f in fails:
    print("FAIL", f)
print(f"{len(fails)} failures")
sys.exit(1 if fails else 0)
