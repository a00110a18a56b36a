#!/usr/bin/env bash
# Installs dependencies, builds, makes the demo's store (bode-2022.db: the Bồ Đề conference,
# scripts/demo.sh) if it is not there yet, and runs doithoaid on it in the foreground with
# tools/doithoaid/doithoaid.example.json (127.0.0.1:8080, one key: demo-key). Stop it with
# Ctrl-C or SIGTERM: it drains in-flight requests and exits 0. Extra arguments go to doithoaid.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
BUILD=${BUILD_DIR:-build}
[ -e bode-2022.db ] || "$BUILD/examples/bode_demo" >/dev/null
exec "$BUILD/tools/doithoaid/doithoaid" --config tools/doithoaid/doithoaid.example.json "$@"
