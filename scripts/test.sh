#!/usr/bin/env bash
# Runs every test: the normal build, then ASan+UBSan, then valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)

echo "== build (gcc, -Werror)"
scripts/build.sh build -DBUILD_TESTING=ON
echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 1200

echo "== build (ASan + UBSan)"
scripts/build.sh build-asan -DBUILD_TESTING=ON -DCC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -L 'unit|golden|diff|e2e' --timeout 1200

echo "== tests under valgrind"
CC_WRAP="valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99" \
  ctest --test-dir build --output-on-failure -j"$jobs" -L 'unit|golden' --timeout 1200
