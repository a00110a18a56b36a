#!/usr/bin/env bash
# Throughput and latency of doithoaid under wrk with keep-alive (docs/design-notes.md, "doithoaid").
#   bench/service_wrk.sh [seconds]      env: DOITHOAID (binary), IO_THREADS, WORKER_THREADS,
#                                        CONNECTIONS (64), WRK_THREADS (1), ACCESS_LOG ("" = none)
# Two reads: GET /healthz (the transport alone, answered on the I/O thread) and GET /v1/units/1
# (a keyed read through the router on a worker thread: key check, rate bucket, dt_call, JSON).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${DOITHOAID:-build/tools/doithoaid/doithoaid}"
SECONDS_RUN="${1:-10}"
dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
hash="$(printf 'bench-key' | "$BIN" hash-key)"
cat > "$dir/config.json" <<JSON
{"listen": "127.0.0.1:0", "io_threads": ${IO_THREADS:-1}, "worker_threads": ${WORKER_THREADS:-2},
 "access_log": "${ACCESS_LOG:-}",
 "limits": {"ip_rate_per_second": 0},
 "keys": [{"name": "bench", "sha256": "$hash", "all_units": true, "system": true,
           "rate_per_second": 1e9, "burst": 1e9}]}
JSON
"$BIN" --config "$dir/config.json" > "$dir/out" 2> "$dir/err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$dir/out" 2>/dev/null && break; sleep 0.05; done
url="$(sed 's/.*listening on //' "$dir/out")"
curl -sf -H 'X-Api-Key: bench-key' -H 'Content-Type: application/json' \
  -d '{"actor":"system","command":{"type":"create_unit","name":"Ha Noi","level":"tinh"}}' "$url/v1/commands" > /dev/null
echo "doithoaid $url io_threads=${IO_THREADS:-1} worker_threads=${WORKER_THREADS:-2} nproc=$(nproc) load: $(cut -d' ' -f1-3 /proc/loadavg)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
tick="$(getconf CLK_TCK)"
for path in /healthz /v1/units/1; do
  before="$(cpu_ticks)"
  out="$(wrk -t"${WRK_THREADS:-1}" -c"${CONNECTIONS:-64}" -d"${SECONDS_RUN}s" --latency -H 'X-Api-Key: bench-key' "$url$path")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)"
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  # CPU time of doithoaid per request: less sensitive to other load than req/s.
  cpu_us="$(awk -v t="$(( $(cpu_ticks) - before ))" -v hz="$tick" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')"
  printf '%-14s %10s req/s  p50 %8s  p99 %8s  cpu %6s us/request  %s\n' "$path" "$rps" "$p50" "$p99" "$cpu_us" "$errors"
done
kill -TERM "$pid"
wait "$pid"
