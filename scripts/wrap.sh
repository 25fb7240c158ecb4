#!/bin/sh
# Runs a test binary, under $CC_WRAP (e.g. valgrind) when set.
exec ${CC_WRAP:-} "$@"
