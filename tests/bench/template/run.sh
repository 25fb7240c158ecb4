#!/usr/bin/env bash
# Benchmark: renders per second of cloudcron's template engine against
# Python's Jinja2, both with the template compiled once before timing, on an
# autoescaped e-mail table of 10 and 1,000 rows and a one-line SMS, in one
# run (templates.py). Both sides render the same template with the same
# variables in their own timed loop; the C side first checks its output is
# byte-identical to Jinja2's. The machine may be shared and noisy, so the
# two sides take turns for ROUNDS rounds (default 3): the table shows each
# side's best rate, their ratio, and the lowest ratio of any one round.
set -euo pipefail
cd "$(dirname "$0")/../../.."
secs=${SECONDS_PER_CASE:-2}
rounds=${ROUNDS:-3}
b=${BENCH_BUILD:-build-bench-tpl}
scripts/build.sh "$b" -DCMAKE_BUILD_TYPE=Release
cc -O2 -std=c11 -Ilib/include tests/bench/template/bench_render.c $b/lib/libcc_template.a \
  $b/lib/libcc_lib.a $(pkg-config --cflags --libs jansson) -lm -o $b/bench_render
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 tests/bench/template/peer.py --dump "$work"
for r in $(seq "$rounds"); do
  python3 tests/bench/template/peer.py "$secs" > "$work/jinja.txt"
  while read -r name rate; do
    tpl=$(ls "$work"/*_"$name".*)
    ours=$($b/bench_render "$tpl" "$work/$name.json" "$work/$name.expected" "$secs")
    echo "$name $ours $rate" >> "$work/rounds.txt"
  done < "$work/jinja.txt"
done
printf '%-10s %14s %14s %8s %10s   (best of %s rounds of %ss)\n' case cloudcron/s jinja2/s ratio min-ratio "$rounds" "$secs"
awk '{ if (!($1 in c)) order[++k] = $1; if ($2 > c[$1]) c[$1] = $2; if ($3 > p[$1]) p[$1] = $3;
       q = $2 / $3; if (!($1 in m) || q < m[$1]) m[$1] = q }
     END { for (i = 1; i <= k; i++) { n = order[i]; printf "%-10s %14.1f %14.1f %7.1fx %9.1fx\n", n, c[n], p[n], c[n] / p[n], m[n] } }' \
  "$work/rounds.txt"
