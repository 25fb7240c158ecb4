#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs one:
#   tests/fuzz/run.sh TARGET [SECONDS]      e.g. tests/fuzz/run.sh fuzz_spec 600
# The corpus starts from the project's own fixtures (see seed_TARGET below)
# and grows in build-fuzz/corpus-TARGET; crashes land in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: tests/fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-600}
scripts/deps.sh --fuzz
CC=clang scripts/build.sh build-fuzz -DBUILD_FUZZERS=ON -DBUILD_TESTING=OFF
corpus=build-fuzz/corpus-$target
mkdir -p "$corpus"

seed_fuzz_spec() {
  local i=0
  for f in tests/spec/cases/*/spec.* examples/*/cloudcron.yaml; do
    case $f in *.json) prefix='\x01' ;; *) prefix='\x00' ;; esac
    { printf "$prefix"; cat "$f"; } > "$corpus/seed-$((i++))"
  done
}
seed_fuzz_schedule() {
  grep -hoE '"(cron|rate|at)\([^"]*\)"' tests/schedule/*.c | tr -d '"' | sort -u |
    while read -r e; do
      # zone byte, 8 bytes of start instant, expression
      { printf '\x01\x00\x5a\x6e\x67\x00\x00\x00\x00'; printf '%s' "$e"; } > "$corpus/seed-$(printf '%s' "$e" | md5sum | cut -c1-12)"
    done
}
seed_fuzz_scalar_pos() {
  local i=0
  for f in tests/spec/cases/*/spec.yaml tests/spec/cases/*/spec.json examples/*/cloudcron.yaml; do
    cp "$f" "$corpus/seed-scalar-$((i++))"
  done
}
seed_fuzz_crontab() {
  local i=0
  for f in tests/import/cases/*/crontab; do cp "$f" "$corpus/seed-crontab-$((i++))"; done
}
seed_fuzz_iface() {
  local i=0
  for f in templates/modules/*/interface.yaml; do
    { printf '\x01'; cat "$f"; } > "$corpus/seed-iface-$((i++))"
  done
  for f in templates/modules/*/*.tf modules-out/stacks/*/*.tf; do
    [ -f "$f" ] && { printf '\x00'; cat "$f"; } > "$corpus/seed-hcl-$((i++))"
  done
}
if declare -F "seed_$target" >/dev/null; then "seed_$target"; fi
for d in tests/fuzz/seeds/$target; do [ -d "$d" ] && cp "$d"/* "$corpus"/ ; done

cd build-fuzz
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "bin/$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 "corpus-$target"
