#!/usr/bin/env bash
# Benchmark: `cloudcron generate` on generated specs of 1,000 and 10,000
# tasks (plus a tenth as many notification channels; the spec generator of
# tests/bench/validate). Prints, for each size, the best of 5 wall times and
# the peak RSS of generate, beside two peers run on the same input in the
# same run: `cloudcron validate` (loading and checking alone) and
# `terraform fmt -check` of the generated tree (terraform only reading and
# formatting what generate wrote). Then the 10k/1k ratios (linear is 10x).
set -euo pipefail
cd "$(dirname "$0")/../../.."
scripts/build.sh build-bench -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Release
bin=build-bench/bin/cloudcron
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best of 5 wall times of "$@", in seconds
best_of() {
  local best= start secs
  for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    secs=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN{printf "%.4f", (b-a)/1e9}')
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
  done
  echo "$best"
}

peak_kb() {
  /usr/bin/time -f '%M' -o "$tmp/time" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  cat "$tmp/time"
}

declare -A T M V F
for n in 1000 10000; do
  python3 tests/bench/validate/gen_spec.py "$n" > "$tmp/spec-$n.yaml"
  out="$tmp/out-$n"
  "$bin" generate "$tmp/spec-$n.yaml" -o "$out" 2>/dev/null
  T[$n]=$(best_of "$bin" generate "$tmp/spec-$n.yaml" -o "$out")
  M[$n]=$(peak_kb "$bin" generate "$tmp/spec-$n.yaml" -o "$out")
  V[$n]=$(best_of "$bin" validate "$tmp/spec-$n.yaml")
  F[$n]=$(best_of terraform fmt -check -recursive "$out")
  printf 'generate %6d tasks: %.3f s, peak RSS %.1f MB, main.tf %s bytes | peers: validate %.3f s, terraform fmt -check %.3f s (generate/terraform fmt %.2fx)\n' \
    "$n" "${T[$n]}" "$(awk "BEGIN{print ${M[$n]}/1024}")" "$(stat -c %s "$out"/stacks/bench/main.tf)" \
    "${V[$n]}" "${F[$n]}" "$(awk "BEGIN{print ${T[$n]}/${F[$n]}}")"
done
awk -v t1="${T[1000]}" -v t2="${T[10000]}" -v m1="${M[1000]}" -v m2="${M[10000]}" \
  'BEGIN{printf "ratio 10k/1k: time %.1fx, peak RSS %.1fx\n", (t1 > 0 ? t2/t1 : 0), m2/m1}'
