#!/usr/bin/env bash
# What including a public header costs a user (docs/design-notes.md, "Engine behind a private
# implementation"): for each header, a TU holding only `#include <header>` is preprocessed
# (lines and bytes of the output) and compiled with -fsyntax-only (median of RUNS runs).
#   bench/header_size.sh [header...]     default: doithoai/doithoai.h doithoai/engine.h
#                                         doithoai/state.h
#   env: CXX (g++), RUNS (5), CXXFLAGS (extra flags, e.g. -I for a non-system Boost),
#        INCLUDE (include, the headers measured; e.g. another release's, to compare)
set -euo pipefail
cd "$(dirname "$0")/.."
CXX="${CXX:-g++}"
INC="${INCLUDE:-include}"
RUNS="${RUNS:-5}"
if [ "$#" -eq 0 ]; then
  set -- doithoai/doithoai.h doithoai/engine.h doithoai/state.h
fi
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
echo "$($CXX --version | head -1); headers: $INC; runs=$RUNS; nproc=$(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-26s %10s %12s %12s\n' header lines bytes "syntax s"
for h in "$@"; do
  printf '#include <%s>\n' "$h" > "$dir/x.cpp"
  read -r lines bytes < <($CXX -std=c++17 -E ${CXXFLAGS:-} -I"$INC" "$dir/x.cpp" | wc -l -c)
  times=()
  for _ in $(seq "$RUNS"); do
    s=$(date +%s.%N)
    $CXX -std=c++17 -fsyntax-only ${CXXFLAGS:-} -I"$INC" "$dir/x.cpp"
    e=$(date +%s.%N)
    times+=("$(echo "$e - $s" | bc)")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
  printf '%-26s %10d %12d %12.3f\n' "$h" "$lines" "$bytes" "$median"
done
