#!/usr/bin/env bash
# The PHP binding's bulk submission against the C++ rate (issue 12; target: the bulk path
# >= 0.3x C++), measured side by side: ROUNDS interleaved rounds, each running the C++ program
# bench/bulk_submit_bench N (best of 3 runs on fresh engines) and then
# bindings/php/bench/bulk_bench.php N (best of 3 per path: importOpinions, a loop of execute,
# a CSV file through importCsv); medians over the rounds and their ratios to C++.
#   cmake --build build --target doithoai_c bulk_submit_bench && bench/php_bench.sh [N=100000] [ROUNDS=3]
# BUILD_DIR (default build) holds bench/bulk_submit_bench and libdoithoai_c.so.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
ROUNDS=${2:-3}
BUILD=${BUILD_DIR:-build}
CPP=$BUILD/bench/bulk_submit_bench
export DOITHOAI_LIBRARY=${DOITHOAI_LIBRARY:-$PWD/$BUILD/libdoithoai_c.so}
PHP=${PHP:-php}
for f in "$CPP" "$DOITHOAI_LIBRARY"; do
  [ -f "$f" ] || { echo "php_bench: $f missing (cmake --build $BUILD --target doithoai_c bulk_submit_bench)" >&2; exit 1; }
done
echo "php_bench: N=$N, $ROUNDS interleaved rounds; $("$PHP" -r 'echo "PHP ", PHP_VERSION;'); load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
value() { grep "^$1 " <<<"$2" | awk '{print $2}'; }
cpp=(); bulk=(); loop=(); csv=(); status=(); cpp_status=()
for r in $(seq 1 "$ROUNDS"); do
  c=$("$CPP" "$N")
  p=$("$PHP" -d ffi.enable=preload bindings/php/bench/bulk_bench.php "$N" 3)
  cpp+=("$(value cpp_submit_per_sec "$c")"); cpp_status+=("$(value cpp_item_status_ns "$c")")
  bulk+=("$(value php_bulk_per_sec "$p")"); loop+=("$(value php_loop_per_sec "$p")")
  csv+=("$(value php_csv_per_sec "$p")"); status+=("$(value php_item_status_ns "$p")")
  echo "round $r: C++ ${cpp[-1]}/s; PHP importOpinions ${bulk[-1]}/s, execute loop ${loop[-1]}/s, CSV+importCsv ${csv[-1]}/s; itemStatus ${status[-1]} ns (C++ ${cpp_status[-1]} ns)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mc=$(median "${cpp[@]}"); mb=$(median "${bulk[@]}"); ml=$(median "${loop[@]}"); mv=$(median "${csv[@]}")
ms=$(median "${status[@]}"); mcs=$(median "${cpp_status[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
echo "medians: C++ execute loop $mc/s"
echo "  PHP importOpinions (bulk, dt_call import_opinions): $mb/s = $(ratio "$mb" "$mc")x C++ (target >= 0.3x)"
echo "  PHP execute() per opinion:                          $ml/s = $(ratio "$ml" "$mc")x C++"
echo "  PHP CSV file + importCsv (dt_call import_csv):      $mv/s = $(ratio "$mv" "$mc")x C++"
echo "  itemStatus through PHP: $ms ns per call (C++ State::status $mcs ns)"
