#!/usr/bin/env bash
# Installs dependencies, builds, and replays the Bồ Đề ward conference of 30/9/2022.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec "${BUILD_DIR:-build}/examples/bode_demo" "$@"
