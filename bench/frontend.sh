#!/usr/bin/env bash
# Frontend benchmark: 10,000 sensors × 24 h of one-minute aggregates (14.4 M records over 10 site
# topics) in a real KRaft broker, then the frontend jar (own JVM) rebuilds its state from Kafka.
# Absolute figures do not carry between machines (and this one is shared), so each is printed
# beside a reference measured in the same run, and the load average is recorded.
# Prints BENCH lines and writes build/bench/frontend.json:
#   frontend.consumer_read_s     reference: a plain consumer (own JVM, the frontend's fetch settings)
#                                reading the same records, JVM start → end offsets reached
#   frontend.state_rebuild_s     JVM start → /observe/health/ready (state rebuilt from Kafka), wall time
#   frontend.rebuild_vs_consumer state_rebuild_s / consumer_read_s
#   frontend.state_rebuild_cpu_s CPU seconds the frontend used for that (independent of other load)
#   frontend.heap_mb             heap in use after a full GC, state loaded
#   frontend.api_p50_ms / _p99_ms  GET /api/sensors, 50 concurrent clients (wrk, 20 s; gzip accepted as browsers do)
#   frontend.static_p99_ms       reference: GET /api/config (a constant body) of the same server, same load
#   frontend.sse_delivery_p99_ms produce → receipt by each of 1,000 SSE clients (200 events)
# Sizes are overridable: BENCH_SENSORS, BENCH_MINUTES, BENCH_SSE_CLIENTS. Bounded to ~10 minutes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib.bash
source bench/lib.bash
SENSORS=${BENCH_SENSORS:-10000}
MINUTES=${BENCH_MINUTES:-1440}
SITES=10
SSE_CLIENTS=${BENCH_SSE_CLIENTS:-1000}
SSE_EVENTS=200
KAFKA_PORT=${BENCH_KAFKA_PORT:-24292}
PORT=${BENCH_FRONTEND_PORT:-24282}
WORK=build/bench/frontend
HEAP=${BENCH_FRONTEND_XMX:-1g}
fe_pid=

cleanup() {
  [[ -n $fe_pid ]] && kill "$fe_pid" 2>/dev/null && wait "$fe_pid" 2>/dev/null || true
  scripts/kafka-broker.sh stop "$WORK/broker" >/dev/null 2>&1 || true
  rm -rf "$WORK/broker"
}
trap cleanup EXIT

mkdir -p build/bench
# One run at a time: a second one would reuse (and delete) this run's broker directory and ports.
exec 9>build/bench/frontend.lock
flock -n 9 || { echo "another frontend benchmark is running (build/bench/frontend.lock)"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK"
BENCH_CP=$(bench_classpath frontend "$WORK")

scripts/kafka-broker.sh start "$WORK/broker" "$KAFKA_PORT"
echo "loading $SENSORS sensors × $MINUTES minutes"
"$JAVA" -Xmx1g -cp "$BENCH_CP" io.kafkaedge.frontend.bench.FrontendBench load "127.0.0.1:$KAFKA_PORT" "$SITES" "$SENSORS" "$MINUTES"
du -sh "$WORK/broker" || true

load_start=$(cut -d' ' -f1 /proc/loadavg)
t0=$(date +%s%N)
"$JAVA" -Xmx1g -XX:+UseG1GC -cp "$BENCH_CP" io.kafkaedge.frontend.bench.FrontendBench consume "127.0.0.1:$KAFKA_PORT"
consumer_s=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
echo "plain consumer: ${consumer_s}s (load average $load_start before)"

# History reach 25 h: the oldest of the 24 h loaded must not age out while the load ran.
start_ns=$(date +%s%N)
SERVER_PORT=$PORT KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" KAFKA_GROUP=bench HISTORY_RETENTION=PT25H \
  SENSORS_MAX=20000 SENSORS_EVICT=PT25H \
  "$JAVA" -Xmx"$HEAP" -XX:+UseG1GC -jar services/frontend/target/frontend.jar >"$WORK/frontend.log" 2>&1 &
fe_pid=$!
deadline=$(( SECONDS + 420 ))
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/observe/health/ready" 2>/dev/null; do
  (( SECONDS < deadline )) || { echo "frontend not ready within 420 s"; tail -20 "$WORK/frontend.log"; exit 1; }
  kill -0 "$fe_pid" || { echo "frontend died"; tail -20 "$WORK/frontend.log"; exit 1; }
  sleep 0.2
done
rebuild_s=$(awk -v a="$start_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
ratio=$(awk -v a="$rebuild_s" -v b="$consumer_s" 'BEGIN { printf "%.2f", a / b }')
# CPU time the frontend used until then (user + system): comparable across machines and loads,
# unlike the wall time on a shared machine.
rebuild_cpu_s=$(awk -v tck="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / tck }' "/proc/$fe_pid/stat")
load=$(cut -d' ' -f1 /proc/loadavg)
sensors=$(curl -fsS "http://127.0.0.1:$PORT/api/sensors" | grep -o '"id"' | wc -l)
points=$(curl -fsS "http://127.0.0.1:$PORT/api/sensors/s0-0/history" | grep -o '"time":\[[^]]*' | tr ',' '\n' | wc -l)
echo "rebuilt in ${rebuild_s}s (${rebuild_cpu_s} CPU s, load average $load on $(nproc) cores): $sensors sensors, $points history points for s0-0"

jcmd "$fe_pid" GC.run >/dev/null
sleep 1
heap_mb=$(jcmd "$fe_pid" GC.heap_info | awk '/garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); printf "%.0f", v / 1024 } }')
echo "heap in use after full GC: ${heap_mb} MB (-Xmx$HEAP)"

size=$(curl -fsS -o /dev/null -w '%{size_download}' "http://127.0.0.1:$PORT/api/sensors")
gz=$(curl -fsS -o /dev/null -H 'Accept-Encoding: gzip' -w '%{size_download}' "http://127.0.0.1:$PORT/api/sensors")
echo "/api/sensors body: $size bytes, gzip $gz bytes"
wrk -t2 -c50 -d20s --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORT/api/sensors" | tee "$WORK/wrk.txt"
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'; }
p50=$(awk '$1 == "50%" { print $2 }' "$WORK/wrk.txt" | to_ms)
p99=$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.txt" | to_ms)
rps=$(awk '/Requests\/sec/ { print $2 }' "$WORK/wrk.txt")
load_api=$(cut -d' ' -f1 /proc/loadavg)
wrk -t2 -c50 -d20s --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORT/api/config" | tee "$WORK/wrk-static.txt"
static_p50=$(awk '$1 == "50%" { print $2 }' "$WORK/wrk-static.txt" | to_ms)
static_p99=$(awk '$1 == "99%" { print $2 }' "$WORK/wrk-static.txt" | to_ms)

"$JAVA" -Xmx512m -cp "$BENCH_CP" io.kafkaedge.frontend.bench.FrontendBench sse "127.0.0.1:$KAFKA_PORT" \
  "http://127.0.0.1:$PORT/api/events" "$SSE_CLIENTS" "$SSE_EVENTS" | tee "$WORK/sse.txt"
sse_p99=$(awk '$1 == "SSE_P99_MS" { print $2 }' "$WORK/sse.txt")
sse_p50=$(awk '$1 == "SSE_P50_MS" { print $2 }' "$WORK/sse.txt")
delivered=$(awk '$1 == "SSE_DELIVERED" { print $2 }' "$WORK/sse.txt")

echo "BENCH frontend.consumer_read_s $consumer_s s"
echo "BENCH frontend.state_rebuild_s $rebuild_s s"
echo "BENCH frontend.rebuild_vs_consumer $ratio x"
echo "BENCH frontend.state_rebuild_cpu_s $rebuild_cpu_s s"
echo "BENCH frontend.heap_mb $heap_mb MB"
echo "BENCH frontend.api_p50_ms $p50 ms"
echo "BENCH frontend.api_p99_ms $p99 ms"
echo "BENCH frontend.static_p99_ms $static_p99 ms"
echo "BENCH frontend.sse_delivery_p99_ms $sse_p99 ms"
cat > build/bench/frontend.json <<JSON
{"sensors": $sensors, "minutes": $MINUTES, "history_points_s0_0": $points, "xmx": "$HEAP",
 "consumer_read_s": $consumer_s, "state_rebuild_s": $rebuild_s, "rebuild_vs_consumer": $ratio,
 "state_rebuild_cpu_s": $rebuild_cpu_s, "load_average_before_reads": $load_start, "load_average_at_rebuild": $load,
 "load_average_at_api": $load_api, "cores": $(nproc),
 "heap_mb": $heap_mb,
 "api_p50_ms": $p50, "api_p99_ms": $p99, "static_p50_ms": $static_p50, "static_p99_ms": $static_p99, "api_requests_per_s": $rps, "api_body_bytes": $size, "api_body_gzip_bytes": $gz,
 "sse_clients": $SSE_CLIENTS, "sse_events": $SSE_EVENTS, "sse_delivered": ${delivered:-0},
 "sse_delivery_p50_ms": ${sse_p50:-null}, "sse_delivery_p99_ms": ${sse_p99:-null}}
JSON
