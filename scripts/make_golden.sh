#!/usr/bin/env bash
# Regenerates the golden logs of tests/golden/ (README.md there says when that is allowed:
# almost never). Builds bode_demo and make_golden in BUILD_DIR (default build), writes the
# Bồ Đề demo's log to tests/golden/bode.db, then the seeded random workload, the JSON Lines,
# the state JSON of each and MANIFEST.json. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake --build "$BUILD_DIR" --target bode_demo make_golden
out=tests/golden
rm -f "$out"/bode.db* "$out"/random.db*
"$BUILD_DIR/examples/bode_demo" "$out/bode.db" >/dev/null
"$BUILD_DIR/tests/make_golden" "$out"
# One file per log: fold the WAL in and drop it.
for db in "$out/bode.db" "$out/random.db"; do
  command -v sqlite3 >/dev/null && sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;' >/dev/null
  rm -f "$db-wal" "$db-shm"
done
ls -l "$out"
