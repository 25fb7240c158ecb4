#!/usr/bin/env bash
# The main job: build cloudcron, validate and generate the examples/basic
# stack into out/basic, and show what was written.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build -DBUILD_TESTING=OFF
spec=examples/basic/cloudcron.yaml
build/bin/cloudcron validate "$spec"
build/bin/cloudcron generate "$spec" -o out/basic
echo "== generated into out/basic:"
find out/basic -type f | sort
for f in out/basic/stacks/*/main.tf; do
  echo "== $f"
  cat "$f"
done
