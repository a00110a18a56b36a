#!/usr/bin/env bash
# Installs every build and test dependency of doithoai from Debian's archive.
# Safe to run again: it installs only what is missing.
set -euo pipefail
PKGS=(g++ cmake ninja-build pkg-config
      libboost-date-time-dev nlohmann-json3-dev catch2
      libsqlite3-dev sqlite3 libpq-dev postgresql libssl-dev libicu-dev
      pybind11-dev python3-pybind11 python3-dev python3-venv python3-pytest python3-hypothesis
      python3-setuptools python3-wheel python3-pip
      python3-mypy  # stubtest checks python/doithoai/_core.pyi (python/tests/test_stubtest.py)
      chromium   # headless rendering test of the HTML report (issue 6)
      clang-14 libclang-rt-14-dev libfuzzer-14-dev  # scripts/fuzz.sh and scripts/sanitize.sh (issue 11)
      openjdk-17-jdk-headless libjna-java junit5    # bindings/java (issue 12)
      php8.2-cli                                    # bindings/php: PHP 8.2 with FFI (issue 12)
      python3-jsonschema wrk                        # doithoaid: OpenAPI validation, load (issue 13)
      python3-aiosmtpd)  # the outbox's e-mail adapter test, a local SMTP server (issue 15)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "setup: dependencies present"
