#!/usr/bin/env bash
# Benchmark: workflows dispatched per second by cloudcron-dispatch with 1, 2
# and 4 dispatchers racing over the same due workflows, against a real
# PostgreSQL (run as the postgres user on a loopback port) and the loopback
# SQS stand-in, and the claim + record + advance + mark rate without SQS
# (claim_bench: the same run code with an in-process transport that accepts
# every entry). Each round checks that every workflow fired exactly once.
# WORKFLOWS (default 20000), BATCH (default 100), ROUNDS (default 2: the
# table shows the best).
set -euo pipefail
cd "$(dirname "$0")/../../.."
b=${BENCH_BUILD:-build-bench-dispatch}
scripts/build.sh "$b" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
cc -O2 -std=c11 -Ilib/include -Iruntime -Iruntime/handlers tests/bench/dispatch/claim_bench.c \
  "$b"/lib/libcc_rt_dispatch.a "$b"/lib/libcc_runtime.a \
  "$b"/lib/libcc_schedule.a "$b"/lib/libcc_lib.a \
  $(pkg-config --cflags --libs jansson libpq) -ldl -lpthread -lm -o "$b"/claim_bench
CC_BIN="$PWD/$b/bin" CLAIM_BENCH="$PWD/$b/claim_bench" python3 tests/bench/dispatch/bench.py
