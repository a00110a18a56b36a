#!/usr/bin/env bash
# Runs the PHP binding's tests (tests/*_test.php, plain PHP scripts with a tiny assertion
# helper: PHPUnit is not needed) against a built libdoithoai_c. ctest runs it as php_tests.
#   bindings/php/run-tests.sh <build-dir | path/to/libdoithoai_c.so>     (PHP=php by default)
# Every test script runs, each in a fresh temporary working directory; any failure fails the run.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ]; then
  echo "usage: $0 <build-dir | path/to/libdoithoai_c.so>" >&2
  exit 2
fi
if [ -f "$1" ]; then LIB=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); else LIB=$(cd "$1" && pwd)/libdoithoai_c.so; fi
if [ ! -f "$LIB" ]; then
  echo "php tests: $LIB not found (build it: cmake --build <build-dir> --target doithoai_c)" >&2
  exit 1
fi
export DOITHOAI_LIBRARY=$LIB
PHP=${PHP:-php}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failed=0
for t in "$HERE"/tests/*_test.php; do
  mkdir -p "$WORK/$(basename "$t" .php)"
  # ffi.enable=preload (Debian's default) allows FFI in CLI scripts; say so in case php.ini differs.
  if ! (cd "$WORK/$(basename "$t" .php)" && TMPDIR=$WORK "$PHP" -d ffi.enable=preload -d error_reporting=-1 -d display_errors=stderr "$t"); then
    echo "php tests: FAILED $(basename "$t")" >&2
    failed=1
  fi
done
exit $failed
