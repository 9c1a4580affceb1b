#!/usr/bin/env bash
# Container images: `scripts/images.sh` builds both services offline (debootstrap + jlink base,
# Jib buildTar, podman load); then each image runs under podman and must become ready:
# the aggregator against a real KRaft broker (from build/kafka/libs) and processing a reading,
# the frontend serving its page.
set -euo pipefail
VERSION=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
REGISTRY=localhost/kafka-edge
SMOKE=build/smoke
KAFKA_PORT=${SMOKE_KAFKA_PORT:-23092}
AGG_PORT=${SMOKE_AGGREGATOR_PORT:-23081}
FE_PORT=${SMOKE_FRONTEND_PORT:-23082}
KAFKA_CP="build/kafka/libs/*"
rc=0

cleanup() {
  for c in kafka-edge-smoke-aggregator kafka-edge-smoke-frontend; do
    podman logs "$c" >"$SMOKE/$c.log" 2>&1 || true
    podman rm -f -t 5 "$c" >/dev/null 2>&1 || true
  done
  scripts/kafka-broker.sh stop "$SMOKE/broker" || true
}
trap cleanup EXIT

# wait_http URL SECONDS [PATTERN]: until URL answers 200 (and its body matches PATTERN).
wait_http() {
  local url=$1 deadline=$(( SECONDS + $2 )) pattern=${3:-}
  while (( SECONDS < deadline )); do
    if body=$(curl -fsS --max-time 3 "$url" 2>/dev/null) && { [[ -z $pattern ]] || grep -qE "$pattern" <<<"$body"; }; then
      return 0
    fi
    sleep 1
  done
  echo "no 200${pattern:+ matching '$pattern'} from $url within $2 s"; curl -sS --max-time 3 "$url" || true
  return 1
}
export -f wait_http

tests/junit.py run --out "$RESULTS_DIR" --name "make images builds both images offline" -- scripts/images.sh || exit 1

rm -rf "$SMOKE" && mkdir -p "$SMOKE"
scripts/kafka-broker.sh start "$SMOKE/broker" "$KAFKA_PORT"
for topic in sensor-data sensor-data-aggregated sensor-data-dlq; do
  java -cp "$KAFKA_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
    --create --if-not-exists --topic "$topic" --partitions 1 --replication-factor 1 >/dev/null
done

podman run -d --name kafka-edge-smoke-aggregator --network host \
  -e SERVER_PORT="$AGG_PORT" -e AGGREGATOR_SITE=smoke \
  -e AGGREGATOR_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" \
  -e AGGREGATOR_KAFKA_REPLICATION_FACTOR=1 \
  "$REGISTRY/aggregator:$VERSION" >/dev/null
tests/junit.py run --out "$RESULTS_DIR" --name "aggregator image: ready (Streams RUNNING) against a real broker" -- \
  bash -c "wait_http http://127.0.0.1:$AGG_PORT/observe/health/ready 120" || rc=1

reading='{"sensorId":"smoke-1","bootId":"5m0ke001","seq":1,"timestamp":"'$(date -u +%FT%TZ)'","temperature":21.5,"humidity":40.0,"pressure":1000.0,"latitude":50.0,"longitude":14.0}'
printf 'smoke-1\t%s\n' "$reading" | java -cp "$KAFKA_CP" org.apache.kafka.tools.ConsoleProducer \
  --bootstrap-server "127.0.0.1:$KAFKA_PORT" --topic sensor-data \
  --property parse.key=true --property key.separator=$'\t' >/dev/null 2>&1
tests/junit.py run --out "$RESULTS_DIR" --name "aggregator image: counts an accepted reading in its metrics" -- \
  bash -c "wait_http http://127.0.0.1:$AGG_PORT/observe/metrics 60 'aggregator_readings_accepted_total\\{[^}]*\\} 1(\\.0)?\$'" || rc=1

podman run -d --name kafka-edge-smoke-frontend --network host \
  -e SERVER_PORT="$FE_PORT" \
  -e KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" \
  "$REGISTRY/frontend:$VERSION" >/dev/null
tests/junit.py run --out "$RESULTS_DIR" --name "frontend image: ready and serving the map page" -- \
  bash -c "wait_http http://127.0.0.1:$FE_PORT/observe/health/ready 120 && wait_http http://127.0.0.1:$FE_PORT/ 30 '<html|<!DOCTYPE|<!doctype'" || rc=1
exit $rc
