#!/usr/bin/env python3
"""Jinja2 side of the render-only benchmark: compiles TEMPLATE once (outside
the timing, with the environment cloudcron render mirrors: a loader on the
template's folder, autoescape for .html/.htm/.xml), renders it with the
variables of VARS.json in a loop for about SECONDS and prints renders per
second. usage: peer.py SECONDS TEMPLATE VARS.json"""
import json, os, sys, time

import jinja2


def main():
    seconds, path, vars_path = float(sys.argv[1]), sys.argv[2], sys.argv[3]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.dirname(path) or "."),
                             autoescape=jinja2.select_autoescape())
    t = env.get_template(os.path.basename(path))  # compiled once, outside the timing
    with open(vars_path) as f:
        v = json.load(f)
    n, start = 0, time.perf_counter()
    while True:  # the clock is read every 16 renders, as bench_render does
        for _ in range(16):
            t.render(v)
        n += 16
        el = time.perf_counter() - start
        if el >= seconds:
            break
    print("%.1f" % (n / el))
    return 0


if __name__ == "__main__":
    sys.exit(main())
