#!/usr/bin/env bash
# Benchmark: next-fire computations per second of cloudcron's evaluator
# against Python's croniter, each timing its own loop of successive
# get-next calls (bench_next.c, croniter_peer.py), on the same expressions
# and zone, in one run; also the whole `cloudcron next -n N` process, start-up
# and printing included. Prints the rates and the ratios.
set -euo pipefail
cd "$(dirname "$0")/../../.."
scripts/deps.sh --bench
scripts/build.sh build-bench -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Release
bin=build-bench/bin/cloudcron
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilib/include tests/bench/schedule/bench_next.c build-bench/lib/libcc_schedule.a \
  build-bench/lib/libcc_lib.a -lm -o build-bench/bench_next
n=10000
zone=Europe/Rome
# cloudcron expression | the same schedule for croniter (5 fields, 0 = Sunday)
cases=(
  "cron(0 2 * * ? *)|0 2 * * *"
  "cron(*/15 8-17 ? * MON-FRI *)|*/15 8-17 * * 1-5"
  "cron(0 9 L * ? *)|0 9 L * *"
  "cron(30 6 1,15 * ? *)|30 6 1,15 * *"
)
printf '%-32s %12s %12s %12s %7s %7s\n' expression loop/s process/s croniter/s loop× process×
for c in "${cases[@]}"; do
  ours=${c%%|*}; theirs=${c#*|}
  best=
  for _ in 1 2 3; do
    start=$(date +%s%N)
    "$bin" next "$ours" --tz "$zone" --after 2025-01-01T00:00:00Z -n "$n" > /dev/null
    ns=$(( $(date +%s%N) - start ))
    if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
  done
  rate=$(awk -v n="$n" -v ns="$best" 'BEGIN{printf "%.0f", n / (ns / 1e9)}')
  loop=$(build-bench/bench_next "$ours" "$zone" 50000)
  peer=$(/usr/bin/python3 tests/bench/schedule/croniter_peer.py "$theirs" "$zone" 5000)
  printf '%-32s %12s %12s %12s %6.0fx %6.0fx\n' "$ours" "$loop" "$rate" "$peer" \
    "$(awk -v a="$loop" -v b="$peer" 'BEGIN{print a/b}')" "$(awk -v a="$rate" -v b="$peer" 'BEGIN{print a/b}')"
done
