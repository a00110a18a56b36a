#!/usr/bin/env bash
# Creates .venv with Debian's Python (seeing the system's pytest, hypothesis, setuptools and
# pybind11) and installs the doithoai package into it, offline: pip builds the extension with
# the project's CMake build and installs nothing from the network.
#   scripts/python_setup.sh            # then: .venv/bin/python -m pytest python/tests
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
PY=${PYTHON:-/usr/bin/python3}
VENV=${VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv --system-site-packages "$VENV"
fi
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
  "$VENV/bin/python" -m pip install --no-build-isolation --no-index --no-deps --disable-pip-version-check -q .
"$VENV/bin/python" -c 'import doithoai; print("python_setup: doithoai", doithoai.__version__, "installed in '"$VENV"'")'
