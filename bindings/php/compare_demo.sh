#!/usr/bin/env bash
# ctest php_demo: runs examples/bode_demo (C++) and bindings/php/examples/bode_demo.php on two
# fresh SQLite files and requires the same output after the first line (which names the file):
# the tracking table's deadlines, original deadlines and reply dates, the accounting as of six
# days, the report and the hash chain's head (the PHP demo sends the same commands with the same
# idempotency keys, so even the log is the same). Then the PHP demo continues the C++ demo's
# store: every command must be recognised by its key, nothing appended.
#   compare_demo.sh <path to the C++ bode_demo> [php binary]
set -euo pipefail
CPP_DEMO=$1
PHP=${2:-php}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$CPP_DEMO" "$WORK/cpp.db" > "$WORK/cpp.txt"
"$PHP" -d ffi.enable=preload "$HERE/examples/bode_demo.php" "$WORK/php.db" > "$WORK/php.txt"
# The deadline lines must be there at all (a demo printing nothing would otherwise "match").
deadlines=$(grep -cE '^[0-9]+ +.* [0-9]{2}/[0-9]{2}/2022 [0-9]{2}/[0-9]{2}/2022 ' "$WORK/cpp.txt" || true)
if [ "$deadlines" -ne 47 ]; then
  echo "php_demo: expected 47 tracking lines with deadlines from the C++ demo (46 items of the ward and the escalated one), got $deadlines" >&2
  exit 1
fi
if ! diff <(tail -n +2 "$WORK/cpp.txt") <(tail -n +2 "$WORK/php.txt"); then
  echo "php_demo: the PHP demo's output differs from the C++ demo's (lines marked < are C++, > PHP)" >&2
  exit 1
fi
"$PHP" -d ffi.enable=preload "$HERE/examples/bode_demo.php" "$WORK/cpp.db" > "$WORK/again.txt"
events=$(grep -oE '^Nhật ký \(R20\): [0-9]+' "$WORK/cpp.txt" | grep -oE '[0-9]+$')
if ! grep -q "^(continued an existing store of $events events; $events commands were recognised" "$WORK/again.txt"; then
  echo "php_demo: continuing the C++ demo's store from PHP did not recognise every command:" >&2
  sed -n 2p "$WORK/again.txt" >&2
  exit 1
fi
diff <(tail -n +2 "$WORK/cpp.txt") <(tail -n +3 "$WORK/again.txt")
echo "php_demo: the PHP demo printed the C++ demo's $deadlines deadline lines, tables and log head; it continued the C++ store appending nothing"
