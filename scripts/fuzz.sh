#!/usr/bin/env bash
# Builds the libFuzzer harnesses of fuzz/ (Clang, ASan+UBSan, DOITHOAI_FUZZ=ON) and runs each
# for a bounded time against its seed corpus fuzz/corpus/<harness>/. Fails on any finding: a
# crash, a sanitizer report, a foreign exception, a broken invariant, a leak, an input slower
# than FUZZ_TIMEOUT seconds. Prints the executions per harness.
#
#   scripts/fuzz.sh                     every harness, FUZZ_SECONDS (default 15) each
#   scripts/fuzz.sh fuzz_csv fuzz_jsonl only these
#   scripts/fuzz.sh --seeds             regenerate the generated seeds (gen-*) of fuzz/corpus
#   FUZZ_SECONDS=3600 scripts/fuzz.sh fuzz_command     a long run
#   FUZZ_SEED=1 scripts/fuzz.sh         the same mutations each run (what CI does)
#   FUZZ_RUNS=1000000 FUZZ_SECONDS=3600 scripts/fuzz.sh fuzz_request   stop at 10^6 executions
#
# New interesting inputs go to $BUILD_DIR/fuzz-corpus/<harness>/ (kept between runs, not
# committed); a crashing input is written to $BUILD_DIR/fuzz-artifacts/<harness>/. A finding
# is fixed in src/ with a regression test and its input added to fuzz/corpus/<harness>/.
# The build directory is shared with scripts/sanitize.sh (build-asan).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build-asan}
SECONDS_EACH=${FUZZ_SECONDS:-15}
TIMEOUT=${FUZZ_TIMEOUT:-30}
ALL=(fuzz_command fuzz_request fuzz_profile fuzz_calendar fuzz_jsonl fuzz_csv fuzz_snapshot fuzz_replay_row
     fuzz_hostile_log)

configure() {
  if ! command -v clang++-14 >/dev/null; then
    echo "fuzz: clang++-14 missing (scripts/setup.sh installs clang-14, libclang-rt-14-dev, libfuzzer-14-dev)" >&2
    exit 1
  fi
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] || ! grep -q '^DOITHOAI_FUZZ:BOOL=ON' "$BUILD_DIR/CMakeCache.txt"; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
      ${CMAKE_CXX_COMPILER_LAUNCHER:+-DCMAKE_CXX_COMPILER_LAUNCHER=$CMAKE_CXX_COMPILER_LAUNCHER} \
      -DDOITHOAI_FUZZ=ON -DDOITHOAI_PYTHON=OFF -DDOITHOAI_BENCHMARKS=OFF >/dev/null
  fi
}

dict_of() {
  case "$1" in
    fuzz_command|fuzz_request|fuzz_jsonl) echo fuzz/json.dict ;;
    fuzz_profile) echo fuzz/profile.dict ;;
    fuzz_calendar) echo fuzz/calendar.dict ;;
    fuzz_csv) echo fuzz/csv.dict ;;
    *) echo "" ;;
  esac
}

configure
if [ "${1:-}" = "--seeds" ]; then
  cmake --build "$BUILD_DIR" --target fuzz_make_seeds
  ASAN_OPTIONS=detect_leaks=0 "$BUILD_DIR/fuzz/fuzz_make_seeds" fuzz/corpus
  exit 0
fi
HARNESSES=("$@")
[ ${#HARNESSES[@]} -gt 0 ] || HARNESSES=("${ALL[@]}")
targets=()
for h in "${HARNESSES[@]}"; do targets+=(--target "$h"); done
cmake --build "$BUILD_DIR" "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
summary=()
for h in "${HARNESSES[@]}"; do
  work="$BUILD_DIR/fuzz-corpus/$h"
  art="$BUILD_DIR/fuzz-artifacts/$h/"
  mkdir -p "$work" "$art"
  dict=$(dict_of "$h")
  log="$BUILD_DIR/fuzz-$h.log"
  args=(-max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$art")
  # FUZZ_SEED fixes libFuzzer's random seed (CI: 1, so a run repeats the same mutations as far
  # as it gets); unset, each run draws its own.
  [ -n "${FUZZ_SEED:-}" ] && args+=(-seed="$FUZZ_SEED")
  # FUZZ_RUNS stops a run after that many executions (whichever of it and FUZZ_SECONDS comes first).
  [ -n "${FUZZ_RUNS:-}" ] && args+=(-runs="$FUZZ_RUNS")
  [ -n "$dict" ] && args+=(-dict="$dict")
  start=$(date +%s)
  set +e
  "$BUILD_DIR/fuzz/$h" "${args[@]}" "$work" "fuzz/corpus/$h" >"$log" 2>&1
  rc=$?
  set -e
  secs=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  line=$(printf '%-16s %10s execs in %4ss  corpus %s' "$h" "${execs:-?}" "$secs" "$(ls "$work" | wc -l)")
  if [ $rc -ne 0 ]; then
    line+="  FINDING (exit $rc; log $log)"
    failed+=("$h")
    grep -E 'ERROR:|runtime error|invariant failed|terminate called|what\(\)|Test unit written' "$log" | head -5 >&2 || true
  fi
  echo "fuzz: $line"
  summary+=("$line")
done
echo "fuzz: summary"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
