#!/usr/bin/env bash
# Benchmark: the cold start and footprint of the cloudcron-print bootstrap
# against an equivalent Python handler (peer/bootstrap: urllib Runtime API
# loop, boto3 and jinja2 imported at init, the same template and checks), on
# the same 10-message SQS event served by one local Runtime API (loopback
# HTTP), in turns, REPS times each (default 15). Reports medians of: exec to
# the first GET .../invocation/next, the 10-message batch (event handed over
# to response received), peak RSS; and the ratios. Aims: < 5 ms to first
# next, < 8 MB peak RSS, >= 20x faster to first next than Python.
set -euo pipefail
cd "$(dirname "$0")/../../.."
b=${BENCH_BUILD:-build-bench-rt}
scripts/build.sh "$b" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
# the floor: what exec costs for an empty program, plain and with libcurl
echo 'int main(void) { return 0; }' > "$b/floor.c"
cc -O2 "$b/floor.c" -o "$b/floor"
cc -O2 "$b/floor.c" -o "$b/floor-curl" -Wl,--no-as-needed $(pkg-config --libs libcurl)
python3 tests/bench/runtime/bench.py "$PWD/$b/bin/cloudcron-print" \
  "$PWD/tests/bench/runtime/peer/bootstrap" "${REPS:-15}" "$PWD/$b/floor" "$PWD/$b/floor-curl"
