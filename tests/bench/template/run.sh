#!/usr/bin/env bash
# Benchmark: renders per second of cloudcron's template engine against
# Python's Jinja2, both with the template compiled once before timing, on an
# autoescaped e-mail table of 10 and 1,000 rows and a one-line SMS, in one
# run (templates.py). The C side first checks its output is byte-identical
# to Jinja2's. Prints both rates and the ratio.
set -euo pipefail
cd "$(dirname "$0")/../../.."
secs=${SECONDS_PER_CASE:-2}
b=${BENCH_BUILD:-build-bench-tpl}
scripts/build.sh "$b" -DCMAKE_BUILD_TYPE=Release
cc -O2 -std=c11 -Ilib/include tests/bench/template/bench_render.c $b/lib/libcc_template.a \
  $b/lib/libcc_lib.a $(pkg-config --cflags --libs jansson) -lm -o $b/bench_render
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/bench/template/peer.py --dump "$work"
python3 tests/bench/template/peer.py "$secs" > "$work/jinja.txt"
printf '%-10s %14s %14s %8s\n' case cloudcron/s jinja2/s ratio
while read -r name rate; do
  tpl=$(ls "$work"/*_"$name".*)
  ours=$($b/bench_render "$tpl" "$work/$name.json" "$work/$name.expected" "$secs")
  printf '%-10s %14.1f %14.1f %7.1fx\n' "$name" "$ours" "$rate" "$(echo "$ours / $rate" | bc -l)"
done < "$work/jinja.txt"
