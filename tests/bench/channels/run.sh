#!/usr/bin/env bash
# Benchmark: messages per second through cloudcron-print, -email and -sms
# against loopback stand-ins (SES v2, Twilio over TLS, moto_server for the
# Twilio secret and the idempotency table), with and without the
# idempotency table, and peak RSS, next to an equivalent Python handler
# (peer/bootstrap: jinja2, boto3, urllib) in the same run, in turns. A
# release build; BENCH_MESSAGES (default 300) per run, ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/../../.."
b=${BENCH_BUILD:-build-bench-rt}
scripts/build.sh "$b" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
python3 tests/bench/channels/bench.py "$PWD/$b/bin" "$PWD/tests/bench/channels/peer/bootstrap"
