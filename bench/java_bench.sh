#!/usr/bin/env bash
# The Java binding's bulk-submission benchmark (issue 12): bench/bulk_submit_bench (C++) and
# the Java binding's importOpinions and execute loop, interleaved in one run, with medians and
# ratios (bindings/java/bench/BulkBench.java). Target: importOpinions >= 0.3x the C++ rate.
#   cmake --build build -j2 --target doithoai_c bulk_submit_bench doithoai_java
#   bench/java_bench.sh [N=100000] [REPS=5]        (BUILD_DIR=build by default)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
JAVA=${JAVA:-java}
JNA_JAR=${JNA_JAR:-/usr/share/java/jna.jar}
for f in "$BUILD/libdoithoai_c.so" "$BUILD/bench/bulk_submit_bench" "$BUILD/bindings/java/doithoai.jar" \
         "$BUILD/bindings/java/examples/BulkBench.class"; do
  [ -e "$f" ] || { echo "java_bench: $f missing; build the targets doithoai_c bulk_submit_bench doithoai_java" >&2; exit 2; }
done
exec "$JAVA" -Xms1g -Xmx2g -Ddoithoai.library.path="$BUILD/libdoithoai_c.so" \
  -cp "$BUILD/bindings/java/examples:$BUILD/bindings/java/doithoai.jar:$JNA_JAR" \
  BulkBench "${1:-100000}" "${2:-5}" "$BUILD/bench/bulk_submit_bench"
