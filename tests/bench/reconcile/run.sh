#!/usr/bin/env bash
# Benchmark: one reconcile of N entries (default 10,000) with nothing to
# change, against moto_server through the local Runtime API (list + read
# every schedule + diff), at concurrency 8 and 1 and against the seed's
# design in Python/boto3 (peer.py); and the in-memory part alone (config
# read and checked, then the diff) with bench_diff.c. moto_server is the
# slow side of the first figure: it measures the calls, not AWS.
#   tests/bench/reconcile/run.sh [N] [REPS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=${1:-10000}
reps=${2:-3}
b=${BENCH_BUILD:-build-bench-rc}
cmake -S . -B "$b" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DCC_WERROR=ON > /dev/null
cmake --build "$b" -j2 --target cloudcron-reconcile cc_rt_reconcile > /dev/null
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilib/include -Iruntime -Iruntime/handlers \
  tests/bench/reconcile/bench_diff.c "$b/lib/libcc_rt_reconcile.a" "$b/lib/libcc_rt_source.a" \
  "$b/lib/libcc_runtime.a" "$b/lib/libcc_schedule.a" "$b/lib/libcc_lib.a" \
  $(pkg-config --libs jansson) -ldl -lpthread -lm -o "$b/bench_diff"
echo "== in memory: read + check the config, then the diff"
"$b/bench_diff" "$n" 7
echo "== one reconcile against moto_server, nothing to change"
python3 tests/bench/reconcile/bench.py "$PWD/$b/bin/cloudcron-reconcile" "$n" "$reps"
