#!/usr/bin/env bash
# Compiles the Java binding and its JUnit 5 tests and runs them against a build's
# libdoithoai_c.so, offline, with Debian's jars. Any failure (compilation or test) fails it.
#   bindings/java/run-tests.sh <build-dir> [extra junit console options, e.g. --select-method=...]
# Environment (all optional): JAVA and JAVAC (else $JAVA_HOME/bin, else PATH), JNA_JAR
# (/usr/share/java/jna.jar), JUNIT_JAR (/usr/share/java/junit-platform-console-standalone.jar),
# DOITHOAI_LIBRARY_PATH (the library; default <build-dir>/libdoithoai_c.so).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:?usage: run-tests.sh <build-dir>}" && pwd)
shift
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
JAVAC=${JAVAC:-${JAVA_HOME:+$JAVA_HOME/bin/}javac}
JNA_JAR=${JNA_JAR:-/usr/share/java/jna.jar}
JUNIT_JAR=${JUNIT_JAR:-/usr/share/java/junit-platform-console-standalone.jar}
LIB=${DOITHOAI_LIBRARY_PATH:-$BUILD/libdoithoai_c.so}
for f in "$JNA_JAR" "$JUNIT_JAR" "$LIB"; do
  [ -f "$f" ] || { echo "run-tests.sh: $f is missing (scripts/setup.sh installs the jars; build the target doithoai_c)" >&2; exit 2; }
done
OUT=$BUILD/bindings/java/junit
rm -rf "$OUT"
mkdir -p "$OUT/classes" "$OUT/test-classes"
"$JAVAC" -encoding UTF-8 -Xlint:all -Werror --release 17 -d "$OUT/classes" -cp "$JNA_JAR" \
  $(find "$HERE/src/main/java" -name '*.java')
"$JAVAC" -encoding UTF-8 -Xlint:all,-try -Werror --release 17 -d "$OUT/test-classes" \
  -cp "$OUT/classes:$JNA_JAR:$JUNIT_JAR" $(find "$HERE/src/test/java" -name '*.java')
cd "$OUT"
# The tests find the library through the binding's own lookup (doithoai.library.path);
# StoreTest starts a second JVM on doithoai.test.classpath. ErrorsTest runs sqlite3.
exec "$JAVA" -Ddoithoai.library.path="$LIB" -Djava.awt.headless=true \
  -Ddoithoai.test.classpath="$OUT/classes:$OUT/test-classes:$JNA_JAR" \
  -jar "$JUNIT_JAR" --disable-banner --fail-if-no-tests --details=summary --details-theme=ascii \
  --class-path "$OUT/classes:$OUT/test-classes:$JNA_JAR" --select-package vn.doithoai \
  --reports-dir "$OUT/reports" "$@"
