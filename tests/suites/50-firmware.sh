#!/usr/bin/env bash
# ESP32 firmware: tests under the real MicroPython interpreter (WebAssembly port, ESP32-sized heap),
# the bridge test double's conformance tests, the simulator over HTTP, the double producing to a
# real Kafka broker (through a broker restart), and the firmware role/playbook with esptool/mpremote
# test doubles (plus .mpy compilation, readings against the contract, ingestion timeouts agreeing).
set -euo pipefail
ROOT=${ROOT:-$(pwd)}
FW=$ROOT/firmware/esp32
work=$(mktemp -d)
broker_dir=$work/kafka
cleanup() {
  scripts/kafka-broker.sh stop "$broker_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

[[ -d $FW/node_modules/@micropython ]] || npm ci --prefix "$FW" --no-audit --no-fund --loglevel=error
rc=0

# 1. firmware modules under MicroPython (the harness exits 1 on any failing test)
timeout 600 node "$FW/tests/run.mjs" --junit "$RESULTS_DIR/micropython.xml" || rc=1

# 2. the harness itself (a failing test fails the run), the bridge double, the simulator over HTTP
timeout 300 node --test --test-reporter=junit --test-reporter-destination="$RESULTS_DIR/simulator-http.xml" \
  --test-reporter=spec --test-reporter-destination=stdout \
  "$FW/tests/harness.test.mjs" "$FW/tests/bridge_double.test.mjs" "$FW/tests/simulator.test.mjs" || rc=1

# 3. the bridge double produces to a real broker (build/kafka/libs), the simulator posts to it
[[ -d build/kafka/libs ]] || mvn -B -ntp -q -pl tools/kafka-dist -am install -DskipTests
# Below the ephemeral port range (scripts/kafka-broker.sh refuses ports inside it).
port=${FIRMWARE_KAFKA_PORT:-23192}
if scripts/kafka-broker.sh start "$broker_dir" "$port"; then
  KAFKA_BOOTSTRAP=127.0.0.1:$port KAFKA_BROKER_DIR=$broker_dir timeout 300 node --test \
    --test-reporter=junit --test-reporter-destination="$RESULTS_DIR/bridge-double-kafka.xml" \
    --test-reporter=spec --test-reporter-destination=stdout "$FW/tests/bridge-double-kafka.test.mjs" || rc=1
else
  tests/junit.py run --out "$RESULTS_DIR" --name "start Kafka broker for the simulator" -- false || true
  rc=1
fi
scripts/kafka-broker.sh stop "$broker_dir" || true

# 4. the firmware role and playbook (esptool/mpremote test doubles on PATH)
timeout 900 pytest -q -p no:cacheprovider --junitxml="$RESULTS_DIR/firmware-role.xml" tests/firmware || rc=1

exit $rc
