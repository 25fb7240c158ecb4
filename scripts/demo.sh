#!/usr/bin/env bash
# The main job: build cloudcron, validate and generate the examples/basic
# stack into out/basic, and show what was written. It builds in its own
# folder, build-demo/, so a build/ configured for the tests stays as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build-demo -DBUILD_TESTING=OFF
spec=examples/basic/cloudcron.yaml
build-demo/bin/cloudcron validate "$spec"
build-demo/bin/cloudcron generate "$spec" -o out/basic
echo "== generated into out/basic:"
find out/basic -type f | sort
for f in out/basic/stacks/*/main.tf; do
  echo "== $f"
  cat "$f"
done
