#!/usr/bin/env bash
# Regenerates the golden logs of tests/golden/ (README.md there says when that is allowed:
# almost never). Builds bode_demo and make_golden in BUILD_DIR (default build).
#   scripts/make_golden.sh            every log: the Bồ Đề demo's log (bode.db), the seeded
#                                     random workload, the recorded-outcomes workload, the JSON
#                                     Lines, the state JSON of each and MANIFEST.json
#   scripts/make_golden.sh NAME...    only those logs (bode, random, outcomes); the others, and
#                                     their MANIFEST entries, stay as they are: how a new log is
#                                     added without rewriting the old ones
# Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(bode random outcomes)
cmake --build "$BUILD_DIR" --target bode_demo make_golden
out=tests/golden
for n in "${names[@]}"; do rm -f "$out/$n".db*; done
if [[ " ${names[*]} " == *" bode "* ]]; then
  "$BUILD_DIR/examples/bode_demo" "$out/bode.db" >/dev/null
fi
"$BUILD_DIR/tests/make_golden" "$out" "${names[@]}"
# One file per log: fold the WAL in and drop it.
for n in "${names[@]}"; do
  db="$out/$n.db"
  command -v sqlite3 >/dev/null && sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;' >/dev/null
  rm -f "$db-wal" "$db-shm"
done
ls -l "$out"
