#!/usr/bin/env bash
# Benchmark: cloudcron's template engine against Python's Jinja2 on
# templates written the way people write them (cases/): a 5,000-row HTML
# uptime and disk report (a macro per cell, groupby, format, filesizeformat,
# loop.cycle, autoescaped) twice: report.html, a row per host of 5,000
# (0.9 MB of variables, more than a message can carry), and daily.html, a
# row per host and day, 250 hosts over 20 days (175 KB, what one message
# can carry; the issue's "5,000-row report from a small context"); an SMS
# digest (map, unique, join, truncate, format, replace) and a Markdown
# weekly digest (dictsort, wordwrap, join, sum, nested for).
# gen_context.py writes their variables (a fixed seed).
#
# Two modes, in the same run:
#  - render-only: the template compiled once, then renders per second in a
#    timed loop (bench_render.c against Jinja2's Template.render(), peer.py);
#  - whole process: `cloudcron render TEMPLATE --vars FILE` (Release build)
#    against a `python3 -c` process that imports jinja2, loads the JSON,
#    compiles and renders, timed by hyperfine (processes per second).
# Then the corpus: the 20 realistic notification templates of the
# differential test (tests/template/cases_realistic.txt, written to test
# correctness, not chosen for speed; corpus.py), render-only, with their
# own small variables; the table ends with their geometric mean and the
# lowest ratio. First it checks all outputs are byte-identical to
# Jinja2's, and fails if not. The machine may be shared and noisy, so the two sides take
# turns for ROUNDS rounds (default 3): the table shows each side's best
# rate, the ratio of the two, and the lowest ratio of any one round.
# SECONDS_PER_CASE (default 2) per render-only loop (CORPUS_SECONDS,
# default 0.5, for each template of the corpus); RUNS (default 20)
# processes per side, case and round in the whole-process mode.
set -euo pipefail
cd "$(dirname "$0")/../../.."
secs=${SECONDS_PER_CASE:-2}
csecs=${CORPUS_SECONDS:-0.5}
rounds=${ROUNDS:-3}
runs=${RUNS:-20}
b=${BENCH_BUILD:-build-bench-tpl}
here=tests/bench/template
command -v hyperfine >/dev/null || { echo "hyperfine is needed: scripts/deps.sh --bench" >&2; exit 1; }
scripts/build.sh "$b" -DCMAKE_BUILD_TYPE=Release
cc -O2 -std=c11 -Ilib/include $here/bench_render.c $b/lib/libcc_template.a \
  $b/lib/libcc_lib.a $(pkg-config --cflags --libs jansson) -lm -o $b/bench_render
cloudcron=$b/bin/cloudcron
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 $here/gen_context.py "$work"
# The Python process of the whole-process mode (and the expected output).
py='import sys, json, os, jinja2; t, v = sys.argv[1], sys.argv[2]; env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.dirname(t) or "."), autoescape=jinja2.select_autoescape()); sys.stdout.write(env.get_template(os.path.basename(t)).render(json.load(open(v))))'
cases="report.html daily.html sms.txt digest.md"
for c in $cases; do
  n=${c%.*}
  python3 -c "$py" "$here/cases/$c" "$work/$n.json" > "$work/$n.expected"
  "$cloudcron" render "$here/cases/$c" --vars "$work/$n.json" > "$work/$n.ours"
  if ! cmp -s "$work/$n.expected" "$work/$n.ours"; then
    echo "run.sh: $c: cloudcron render's output differs from Jinja2's:" >&2
    diff "$work/$n.expected" "$work/$n.ours" | head -20 >&2
    exit 1
  fi
  echo "$c: outputs identical ($(wc -c < "$work/$n.expected") bytes)"
done
# The corpus: a folder per template (its other templates beside it).
python3 $here/corpus.py "$work/corpus" > "$work/corpus.txt"
while read -r d t; do
  python3 -c "$py" "$d/$t" "$d/vars.json" > "$d/expected"
  if ! "$cloudcron" render "$d/$t" --vars "$d/vars.json" | cmp -s "$d/expected" -; then
    echo "run.sh: corpus $t: cloudcron render's output differs from Jinja2's" >&2
    exit 1
  fi
done < "$work/corpus.txt"
echo "corpus: $(wc -l < "$work/corpus.txt") templates, outputs identical"
# Processes per second from a hyperfine run of one command.
S_rate() {
  local out=$1; shift
  # hyperfine's warnings (outliers, a slow first run) go to a log shown only on failure.
  if ! hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$out" "$*" > "$work/hf.log" 2>&1; then
    cat "$work/hf.log" >&2
    return 1
  fi
  python3 -c 'import json, sys; print("%.2f" % (1 / json.load(open(sys.argv[1]))["results"][0]["mean"]))' "$out"
}
for r in $(seq "$rounds"); do
  for c in $cases; do
    n=${c%.*}
    # render-only (bench_render checks its output against Jinja2's first)
    jin=$(python3 $here/peer.py "$secs" "$here/cases/$c" "$work/$n.json")
    ours=$($b/bench_render "$here/cases/$c" "$work/$n.json" "$work/$n.expected" "$secs")
    echo "render $n $ours $jin" >> "$work/rounds.txt"
    # whole process
    ours=$(S_rate "$work/h.json" "$cloudcron render $here/cases/$c --vars $work/$n.json")
    jin=$(S_rate "$work/h.json" "python3 -c '$py' $here/cases/$c $work/$n.json")
    echo "process $n $ours $jin" >> "$work/rounds.txt"
  done
  while read -r d t; do
    jin=$(python3 $here/peer.py "$csecs" "$d/$t" "$d/vars.json")
    ours=$($b/bench_render "$d/$t" "$d/vars.json" "$d/expected" "$csecs")
    echo "corpus ${t%.*} $ours $jin" >> "$work/corpus_rounds.txt"
  done < "$work/corpus.txt"
done
echo "per round (mode case ours/s jinja2/s):"
sed 's/^/  /' "$work/rounds.txt"
echo "load: $(uptime)"
printf '%-8s %-7s %12s %12s %8s %10s   (best of %s rounds: %ss loops; %s processes)\n' \
  mode case ours/s jinja2/s ratio min-ratio "$rounds" "$secs" "$runs"
awk '{ k = $1 " " $2; if (!(k in c)) order[++m] = k; if ($3 > c[k]) c[k] = $3; if ($4 > p[k]) p[k] = $4;
       q = $3 / $4; if (!(k in lo) || q < lo[k]) lo[k] = q }
     END { for (i = 1; i <= m; i++) { k = order[i]; split(k, f, " ");
             printf "%-8s %-7s %12.1f %12.1f %7.1fx %9.1fx\n", f[1], f[2], c[k], p[k], c[k] / p[k], lo[k] } }' \
  "$work/rounds.txt"
echo
echo "corpus, render-only (best of $rounds rounds: ${csecs}s loops):"
printf '%-42s %12s %12s %8s %10s\n' template ours/s jinja2/s ratio min-ratio
awk '{ k = $2; if (!(k in c)) order[++m] = k; if ($3 > c[k]) c[k] = $3; if ($4 > p[k]) p[k] = $4;
       q = $3 / $4; if (!(k in lo) || q < lo[k]) lo[k] = q }
     END { g = 0; low = 0;
           for (i = 1; i <= m; i++) { k = order[i]; r = c[k] / p[k]; g += log(r); if (!low || r < low) low = r;
             printf "%-42s %12.1f %12.1f %7.1fx %9.1fx\n", k, c[k], p[k], r, lo[k] }
           printf "%-42s %12s %12s %7.1fx   (lowest %.1fx)\n", "geometric mean of " m, "", "", exp(g / m), low }' \
  "$work/corpus_rounds.txt"
