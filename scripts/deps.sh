#!/usr/bin/env bash
# Installs what cloudcron needs to build and test, when it is missing.
# Debian packages are installed with apt-get when run as root; otherwise the
# missing ones are listed and the script fails.
set -euo pipefail

pkgs=(cmake pkg-config gcc clang make libyaml-dev libjansson-dev libcmark-dev libcmocka-dev
      libcurl4-openssl-dev libssl-dev libpq-dev valgrind buildah skopeo docker-registry
      python3-croniter nodejs postgresql-15 postgresql-client-15)  # python3-croniter: the oracle of tests/import/run_diff.py
if [ "${1:-}" = "--bench" ]; then pkgs+=(hyperfine); fi
if [ "${1:-}" = "--fuzz" ]; then pkgs+=(clang libclang-rt-14-dev); fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "deps: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
fi

# Tools the tests use that do not come from Debian here.
for tool in python3 terraform moto_server; do
  command -v "$tool" >/dev/null || { echo "deps: '$tool' is not on PATH; the tests need it" >&2; exit 1; }
done
python3 -c 'import jinja2, jsonschema' 2>/dev/null ||
  { echo "deps: python3 needs the jinja2 and jsonschema modules for the differential tests" >&2; exit 1; }
python3 -c 'import boto3, moto' 2>/dev/null ||
  { echo "deps: python3 needs boto3 and moto for the Python task SDK's tests (tests/python)" >&2; exit 1; }
