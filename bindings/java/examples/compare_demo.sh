#!/usr/bin/env bash
# ctest java_demo: runs the C++ Bồ Đề demo and the Java one (BodeDemo.java) on fresh SQLite
# files and compares their outputs line by line (every deadline, reply, status, accounting
# row, report line and the hash chain's head), the first line (the store's path) aside.
#   compare_demo.sh JAVA CLASSPATH LIBDOITHOAI_C BODE_DEMO WORKDIR
set -euo pipefail
JAVA=$1 CP=$2 LIB=$3 CPP=$4 WORK=$5
rm -rf "$WORK"
mkdir -p "$WORK"
"$CPP" "$WORK/cpp.db" > "$WORK/cpp.out"
"$JAVA" -Ddoithoai.library.path="$LIB" -cp "$CP" BodeDemo "$WORK/java.db" > "$WORK/java.out"
tail -n +2 "$WORK/cpp.out" > "$WORK/cpp.body"
tail -n +2 "$WORK/java.out" > "$WORK/java.body"
deadlines=$(grep -c '/20[0-9][0-9] ' "$WORK/java.body" || true)
if [ "$deadlines" -lt 46 ]; then
  echo "compare_demo: the Java demo printed $deadlines dated lines, expected the 46 items and the accounting" >&2
  cat "$WORK/java.out" >&2
  exit 1
fi
if ! diff -u "$WORK/cpp.body" "$WORK/java.body"; then
  echo "compare_demo: the Java demo's output differs from bode_demo's (above)" >&2
  exit 1
fi
# Run again on the Java demo's file: everything is recognised by its idempotency key.
"$JAVA" -Ddoithoai.library.path="$LIB" -cp "$CP" BodeDemo "$WORK/java.db" > "$WORK/java2.out"
grep -q "commands were recognised by their idempotency keys and appended nothing" "$WORK/java2.out"
echo "compare_demo: the Java and C++ demos print the same $(wc -l < "$WORK/java.body") lines"
