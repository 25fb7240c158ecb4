#!/usr/bin/env python3
"""Jinja2 side of the benchmark: renders each precompiled template in a loop
for about SECONDS and prints `name renders/s`; with --dump DIR writes each
case's template, variables and Jinja2's output there for the C side."""
import json, os, sys, time

import jinja2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from templates import CASES  # noqa: E402


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--dump":
        d = sys.argv[2]
        for name, tname, src, v in CASES:
            open(os.path.join(d, tname.replace(".", "_" + name + ".")), "w").write(src)
            json.dump(v, open(os.path.join(d, name + ".json"), "w"))
            env = jinja2.Environment(loader=jinja2.DictLoader({tname: src}), autoescape=jinja2.select_autoescape(["html"]))
            open(os.path.join(d, name + ".expected"), "w").write(env.get_template(tname).render(v))
        return 0
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    for name, tname, src, v in CASES:
        env = jinja2.Environment(loader=jinja2.DictLoader({tname: src}), autoescape=jinja2.select_autoescape(["html"]))
        t = env.get_template(tname)  # compiled once, outside the timing
        n, start = 0, time.perf_counter()
        while True:  # the clock is read every 16 renders, as bench_render does
            for _ in range(16):
                t.render(v)
            n += 16
            el = time.perf_counter() - start
            if el >= seconds:
                break
        print("%s %.1f" % (name, n / el))
    return 0


if __name__ == "__main__":
    sys.exit(main())
