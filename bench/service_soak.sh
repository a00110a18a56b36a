#!/bin/bash
# Soak test of doithoaid (issue 13; not run by CI): mixed keep-alive load with wrk for N minutes
# against a real doithoaid on a SQLite store (sync full) holding a ward of ITEMS items, sampling
# the service's resident memory (VmRSS) every 10 s; prints the samples and the growth.
#
#   bench/service_soak.sh [MINUTES=10] [ITEMS=2000] [CONNECTIONS=16]
#   DOITHOAID=path/to/doithoaid (default build/tools/doithoaid/doithoaid)
#
# Mix per request: 10% POST /v1/commands (submit_opinion of one item, a unique Idempotency-Key:
# the state grows by that much), 40% GET /v1/items/{id}, 15% /v1/units/3/accounting, 15% the
# public feed (limit 20), 15% Open311 requests/{id}.json, 5% GET /v1/events (a page of 100).
# Then a fresh process opened on the final log is warmed up with reads only, and its RSS is
# printed beside the run's: the difference is what the long run holds beyond its state.
# Figures: docs/design-notes.md, "The service (issue 13)". Run it niced on a shared machine.
set -euo pipefail
MINUTES=${1:-10}
ITEMS=${2:-2000}
CONNS=${3:-16}
SECONDS_TOTAL=$(awk "BEGIN {print int($MINUTES * 60)}")  # MINUTES may be a fraction
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DOITHOAID=${DOITHOAID:-$ROOT/build/tools/doithoaid/doithoaid}
command -v wrk >/dev/null || { echo "wrk not found (scripts/setup.sh installs it)" >&2; exit 1; }
WORK=$(mktemp -d /tmp/doithoaid-soak-XXXXXX)
PID=
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -TERM "$PID"; wait "$PID" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "building the ward ($ITEMS items) in $WORK/ward.db ..."
DOITHOAID=$DOITHOAID /usr/bin/python3 "$ROOT/bench/service_load.py" --items "$ITEMS" \
  --populate-only "$WORK/ward.db" > "$WORK/world.json"
/usr/bin/python3 - "$WORK" <<'EOF'
import json, sys, hashlib
work = sys.argv[1]
w = json.load(open(work + "/world.json"))
key = "world-ward-key"
cfg = {"engine": {"store": work + "/ward.db", "sqlite": {"sync": "full"}}, "listen": "127.0.0.1:0",
       "io_threads": 2, "worker_threads": 4, "access_log": "",
       "limits": {"max_connections": 4096, "ip_rate_per_second": 0},
       "keys": [{"name": "ward", "sha256": hashlib.sha256(key.encode()).hexdigest(), "units": [3], "actor": 1,
                 "events": True, "rate_per_second": 1e6, "burst": 1e6}]}
json.dump(cfg, open(work + "/doithoaid.json", "w"))
lua = """
local items = {%s}
local published = {%s}
local n = 0
local counter = 1
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
wrk.headers["X-Api-Key"] = "%s"
local function get(path) return wrk.format("GET", path) end
request = function()
  local r = math.random(100)
  if r <= 10 then
    n = n + 1
    local h = {}
    for k, v in pairs(wrk.headers) do h[k] = v end
    h["Content-Type"] = "application/json"
    h["Idempotency-Key"] = string.format("soak-%%d-%%d", tid or 0, n)
    return wrk.format("POST", "/v1/commands", h, string.format(
      '{"command":{"type":"submit_opinion","unit":3,"channel":"letter","raised_by":5,' ..
      '"items":[{"topic":"land","text":"Phản ánh thử tải số %%d-%%d"}]}}', tid or 0, n))
  elseif r <= 50 then return get("/v1/items/" .. items[math.random(#items)])
  elseif r <= 65 then return get("/v1/units/3/accounting")
  elseif r <= 80 then return get("/v1/public/feed?unit=3&limit=20")
  elseif r <= 95 then return get("/open311/v2/requests/" .. published[math.random(#published)] .. ".json?jurisdiction_id=bode")
  else return get("/v1/events?from=" .. math.random(1000) .. "&limit=100") end
end
local bad = 0
response = function(status) if status >= 300 then bad = bad + 1 end end
done = function(summary, latency, requests) end
""" % (",".join(map(str, w["items"])), ",".join(map(str, w["published"])), key)
open(work + "/mixed.lua", "w").write(lua)
EOF

"$DOITHOAID" --config "$WORK/doithoaid.json" > "$WORK/stdout" 2> "$WORK/stderr" &
PID=$!
for _ in $(seq 100); do grep -q listening "$WORK/stdout" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^doithoaid listening on //p' "$WORK/stdout")
[ -n "$URL" ] || { echo "doithoaid did not start: $(cat "$WORK/stderr")" >&2; exit 1; }
echo "doithoaid pid $PID at $URL; $MINUTES min of mixed load at $CONNS connections"
rss() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }
seq_now() { curl -s "$URL/metrics" | awk '/^doithoaid_events_seq / {print $2}'; }

wrk -t2 -c"$CONNS" -d"${SECONDS_TOTAL}s" --latency -s "$WORK/mixed.lua" "$URL/" > "$WORK/wrk.out" &
WRK=$!
START=$(date +%s)
printf "%8s %10s %10s\n" "t (s)" "RSS (KiB)" "events"
SAMPLES=()
while kill -0 "$WRK" 2>/dev/null; do
  R=$(rss); S=$(seq_now)
  SAMPLES+=("$R")
  printf "%8d %10d %10s\n" "$(( $(date +%s) - START ))" "$R" "$S"
  for _ in $(seq 10); do kill -0 "$WRK" 2>/dev/null || break; sleep 1; done
done
wait "$WRK" || true
R=$(rss); S=$(seq_now); SAMPLES+=("$R")
printf "%8d %10d %10s\n" "$(( $(date +%s) - START ))" "$R" "$S"
cat "$WORK/wrk.out"
N=${#SAMPLES[@]}
FIRST=${SAMPLES[0]}
# After warm-up: the sample one minute in (or the second one on short runs).
WARM=${SAMPLES[$(( N > 7 ? 6 : (N > 1 ? 1 : 0) ))]}
LAST=${SAMPLES[$((N - 1))]}
MAX=$(printf "%s\n" "${SAMPLES[@]}" | sort -n | tail -1)
echo "RSS KiB: start $FIRST, after warm-up $WARM, end $LAST, max $MAX; growth after warm-up $((LAST - WARM)) KiB"
kill -TERM "$PID"
RC=0
wait "$PID" || RC=$?
PID=
echo "doithoaid exit status on SIGTERM: $RC"
[ "$RC" -eq 0 ] || exit 1

# The state grows with every command (the mix commits ~10% of its requests), so RSS grows
# too; what would be a leak is memory the run's process holds beyond what its state needs.
# A fresh process opened on the same log (same state, same idempotency window) and warmed up
# with the same mix minus the writes for 20 s tells how much that is.
sed 's/if r <= 10 then/if r <= 0 then/' "$WORK/mixed.lua" > "$WORK/reads.lua"
"$DOITHOAID" --config "$WORK/doithoaid.json" > "$WORK/stdout2" 2> "$WORK/stderr2" &
PID=$!
for _ in $(seq 600); do grep -q listening "$WORK/stdout2" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^doithoaid listening on //p' "$WORK/stdout2")
[ -n "$URL" ] || { echo "the fresh doithoaid did not start: $(cat "$WORK/stderr2")" >&2; exit 1; }
wrk -t2 -c"$CONNS" -d20s -s "$WORK/reads.lua" "$URL/" > /dev/null
FRESH=$(rss)
echo "a fresh process on the same log ($(seq_now) events), after 20 s of reads: RSS $FRESH KiB;" \
     "the run's process ended with $LAST KiB ($((LAST - FRESH)) KiB more)"
kill -TERM "$PID"
RC=0
wait "$PID" || RC=$?
PID=
[ "$RC" -eq 0 ]
