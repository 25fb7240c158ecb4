#!/usr/bin/env bash
# Benchmark: `cloudcron validate` on generated specs of 1,000 and 10,000
# tasks (plus a tenth as many notifications). Prints the best of 5 wall
# times, the peak RSS, and the 10k/1k ratios (linear scaling is 10x). The
# schedule warnings are on (tasks at every hour in zones with daylight
# saving, so thousands of them warn); their count is printed too.
set -euo pipefail
cd "$(dirname "$0")/../../.."
scripts/build.sh build-bench -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Release
bin=build-bench/bin/cloudcron
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A T M
for n in 1000 10000; do
  python3 tests/bench/validate/gen_spec.py "$n" > "$tmp/spec-$n.yaml"
  best=; peak=0
  for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    "$bin" validate "$tmp/spec-$n.yaml" 2> "$tmp/stderr-$n"
    secs=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN{printf "%.4f", (b-a)/1e9}')
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
    /usr/bin/time -f '%M' -o "$tmp/time" "$bin" validate "$tmp/spec-$n.yaml" 2>/dev/null
    kb=$(cat "$tmp/time")
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  T[$n]=$best; M[$n]=$peak
  printf 'validate %6d tasks (%s bytes): %.3f s, peak RSS %.1f MB, %d warnings\n' "$n" "$(stat -c %s "$tmp/spec-$n.yaml")" "$best" "$(awk "BEGIN{print $peak/1024}")" \
    "$(( $(grep -c ': warning: ' "$tmp/stderr-$n" || true) + $(sed -n 's/^(\([0-9]*\) more warnings not shown)$/\1/p' "$tmp/stderr-$n" | head -1 | grep . || echo 0) ))"
done
awk -v t1="${T[1000]}" -v t2="${T[10000]}" -v m1="${M[1000]}" -v m2="${M[10000]}" \
  'BEGIN{printf "ratio 10k/1k: time %.1fx, peak RSS %.1fx\n", (t1 > 0 ? t2/t1 : 0), m2/m1}'
