#!/usr/bin/env python3
"""Driver of tests/bench/runtime/run.sh: runs cloudcron-print and the Python
peer (peer/bootstrap) as Lambda bootstraps against the same local Runtime
API (tests/handlers/lambda_api.py) on the same 10-message SQS event, in
turns, REPS times each, and reports medians: time from exec to the first GET
.../invocation/next (its connection reaching the listening socket, seen by
the driver's own select before the server thread runs), time from handing over the event to its response, and
peak RSS (VmHWM of /proc/PID/status, read while the bootstrap waits on
its last next; wait4's ru_maxrss would count the Python parent's pages
from before exec). Before timing, both must answer the same
batchItemFailures and log the same rendered texts."""
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "handlers"))
import lambda_api as la  # noqa: E402

TEMPLATE = """Alert for the {{ env }} team: {{ subject }}
Host: {{ host|default('unknown') }}{% if pct is defined %} at {{ pct|round(1) }}%{% endif %}
{% for k, v in message.vars|default({})|dictsort %}  {{ k }} = {{ v }}
{% endfor %}-- cloudcron ({{ team|upper }})"""
CHANNEL_VARS = {"env": "prod", "team": "ops"}


def event():
    recs = []
    for i in range(10):
        msg = {"subject": f"Disk usage above 90% on db-{i}", "vars": {"host": f"db-{i}", "pct": 90 + i / 3,
                                                                    "path": "/var/lib/postgresql"},
               "dedup_id": f"db-{i}-2026-11-22"}
        body = json.dumps(msg)
        if i % 2:
            body = json.dumps({"Type": "Notification", "MessageId": f"sns-{i}", "Message": body,
                               "TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts"})
        recs.append(la.sqs_record(f"m{i}", body, "arn:aws:sqs:us-east-1:123456789012:print"))
    return json.dumps({"Records": recs})


def vm_hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise SystemExit(f"no VmHWM for {pid}")


def once(path, ev):
    """One cold start: (first_next_ms, batch_ms, peak_rss_kb, response, texts)."""
    api = la.RuntimeApi([la.Event("r1", ev)], hold_end=True, start=False)
    env = la.base_env(CLOUDCRON_TEMPLATE=TEMPLATE, CLOUDCRON_VARS=json.dumps(CHANNEL_VARS),
                      AWS_LAMBDA_RUNTIME_API=api.address)
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        pid = os.posix_spawn(path, [path], env, file_actions=[(os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        t_next = api.first_connection(120)  # the connection of the first next
        api.start()
        if not api.ended.wait(120):
            raise SystemExit(f"{path}: never asked for its last event")
        hwm = vm_hwm_kb(pid)
        api.release()
        _, status, _ = os.wait4(pid, 0)
        api.close()
        err.seek(0)
        logs = la.log_lines(err.read())
    if status != 0 or "r1/response" not in api.posts or not api.next_times or t_next is None:
        raise SystemExit(f"{path}: exit status {status}, posts {api.posts}")
    texts = {l["message_id"]: l["text"] for l in logs if l.get("level") == "INFO"}
    return ((t_next - t0) * 1000, (api.post_times["r1/response"] - api.sent_times["r1"]) * 1000,
            hwm, api.posts["r1/response"][0], texts)


def loader_cycles(path):
    """The dynamic loader's own start-up cost (glibc's LD_DEBUG=statistics)."""
    import subprocess
    p = subprocess.run([path], env=la.base_env(CLOUDCRON_TEMPLATE="x", LD_DEBUG="statistics"),
                       capture_output=True, text=True)
    for line in p.stderr.splitlines():
        if "total startup time in dynamic loader" in line:
            return int(line.split(":")[2].split()[0])
    return None


def exec_exit_ms(path, reps):
    """Median exec-to-exit time of a program that does nothing."""
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        pid = os.posix_spawn(path, [path], {})
        os.waitpid(pid, 0)
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts)


def main():
    c_bin, peer, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    floors = sys.argv[4:]  # empty programs: plain, and linked with libcurl
    ev = event()
    c, p = once(c_bin, ev), once(peer, ev)
    if c[3] != p[3] or c[4] != p[4] or len(c[4]) != 10:
        raise SystemExit(f"outputs differ:\n{c[3]} {json.dumps(c[4], indent=1)}\n{p[3]} {json.dumps(p[4], indent=1)}")
    runs = {"cloudcron-print": [], "python peer": []}
    for _ in range(reps):
        runs["cloudcron-print"].append(once(c_bin, ev)[:3])
        runs["python peer"].append(once(peer, ev)[:3])
    med = {k: [statistics.median(r[i] for r in v) for i in range(3)] for k, v in runs.items()}
    print(f"same 10-message SQS event, {reps} cold starts each (medians); outputs checked identical")
    print(f"{'':18}{'exec->first next':>18}{'10-message batch':>18}{'peak RSS':>12}")
    for k, (fn, b, rss) in med.items():
        print(f"{k:18}{fn:15.2f} ms{b:15.2f} ms{rss / 1024:9.1f} MB")
    c, py = med["cloudcron-print"], med["python peer"]
    print(f"{'ratio (peer/C)':18}{py[0] / c[0]:16.1f}x{py[1] / c[1]:16.1f}x{py[2] / c[2]:11.1f}x")
    lo = [min(r[0] for r in runs["cloudcron-print"]), max(r[0] for r in runs["cloudcron-print"])]
    print(f"cloudcron-print first next: min {lo[0]:.2f} ms, max {lo[1]:.2f} ms; "
          f"aims: < 5 ms {'met' if c[0] < 5 else 'NOT met'}, < 8 MB {'met' if c[2] < 8 * 1024 else 'NOT met'}, "
          f">= 20x {'met' if py[0] / c[0] >= 20 else 'NOT met'}")
    cyc = loader_cycles(c_bin)
    if cyc:
        print(f"cloudcron-print's dynamic loader alone (LD_DEBUG=statistics): {cyc / 1e6:.1f} M cycles")
    if floors:
        import subprocess
        nlibs = len(subprocess.run(["ldd", c_bin], capture_output=True, text=True).stdout.splitlines())
        print(f"floor on this machine: an empty main exec->exit {exec_exit_ms(floors[0], reps):.2f} ms; linked with "
              f"libcurl {exec_exit_ms(floors[1], reps):.2f} ms (cloudcron-print maps {nlibs} shared objects)")
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


main()
