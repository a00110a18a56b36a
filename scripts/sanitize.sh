#!/usr/bin/env bash
# Runs the C++ test suite under the sanitizers (docs/design-notes.md "Fuzzing and sanitizers"):
#
#  1. ASan+UBSan (Clang, build-asan, shared with scripts/fuzz.sh): the library, the C++ tests,
#     the PostgreSQL store's tests and the demo, then the whole ctest suite except
#     python_tests (the Python module is not built here: an ASan runtime would have to be
#     LD_PRELOADed into the interpreter) and consumer_* (they build the library again in
#     separate, uninstrumented projects: packaging checks, no code of ours runs instrumented).
#  2. TSan (Clang, build-tsan): the threaded tests, tagged [threads] (engine readers and
#     writers, subscribers, PostgreSQL NOTIFY and many servers).
#
#   scripts/sanitize.sh            both
#   scripts/sanitize.sh asan|tsan  one of them
# Any sanitizer report fails the run (UB aborts: -fno-sanitize-recover; TSan halt_on_error).
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-all}
CC_=${SANITIZE_CC:-clang-14}
CXX_=${SANITIZE_CXX:-clang++-14}
JOBS=${CTEST_JOBS:-$(nproc)}
launcher=()
[ -n "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ] && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER="$CMAKE_CXX_COMPILER_LAUNCHER")

asan() {
  local dir=${ASAN_BUILD_DIR:-build-asan}
  local t0=$(date +%s)
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$CC_" \
    -DCMAKE_CXX_COMPILER="$CXX_" "${launcher[@]}" -DDOITHOAI_FUZZ=ON -DDOITHOAI_PYTHON=OFF \
    -DDOITHOAI_BENCHMARKS=OFF >/dev/null
  cmake --build "$dir"  # everything ctest runs: the tests, the C ABI and its tests, the CLI, the demo
  local t1=$(date +%s)
  (
    cd "$dir"
    export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    ctest --output-on-failure -j "$JOBS" --timeout 3600 -E '^(python_tests|consumer_.*)$'
  )
  local t2=$(date +%s)
  echo "sanitize: asan+ubsan build $((t1 - t0)) s, ctest $((t2 - t1)) s"
}

tsan() {
  local dir=${TSAN_BUILD_DIR:-build-tsan}
  local t0=$(date +%s)
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER="$CC_" \
    -DCMAKE_CXX_COMPILER="$CXX_" "${launcher[@]}" -DDOITHOAI_SANITIZE=thread -DDOITHOAI_PYTHON=OFF \
    -DDOITHOAI_BENCHMARKS=OFF >/dev/null
  cmake --build "$dir" --target doithoai_tests doithoai_postgres_tests c_abi_cpp_test
  local t1=$(date +%s)
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
  "$dir/tests/doithoai_tests" "[threads]"
  "$dir/tests/postgres/doithoai_postgres_tests" "[threads]"
  # The C ABI's C++ test: writers, readers and subscribers (C callbacks) on one engine.
  "$dir/tests/c/c_abi_cpp_test"
  local t2=$(date +%s)
  echo "sanitize: tsan build $((t1 - t0)) s, threaded tests $((t2 - t1)) s"
}

case "$WHAT" in
  all) asan; tsan ;;
  asan) asan ;;
  tsan) tsan ;;
  *) echo "usage: $0 [asan|tsan]" >&2; exit 2 ;;
esac
