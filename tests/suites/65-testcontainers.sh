#!/usr/bin/env bash
# The Kafka fixture's Testcontainers path: a Kafka image built offline (services/testkit/container:
# the project's JRE base + build/kafka/libs, apache/kafka-compatible entry point), podman's
# Docker-compatible API (`podman system service`) as the Docker engine, and the same tests that
# run on the in-JVM broker: the fixture's round trip and the aggregator's kill-and-restart
# exactly-once integration test.
set -euo pipefail
IMAGE=localhost/kafka-edge/kafka-test:$(scripts/pom-property.sh kafka.version)
SOCK=$(mktemp -u /tmp/podman-testcontainers.XXXXXX.sock)
service_pid=

collect() {
  for module in testkit aggregator; do
    for f in services/$module/target/surefire-reports/TEST-*.xml; do
      [[ -f $f ]] && cp "$f" "$RESULTS_DIR/container-services_$module-$(basename "$f")"
    done
  done
}
cleanup() {
  collect
  podman ps -aq --filter "ancestor=$IMAGE" | xargs -r podman rm -f >/dev/null 2>&1 || true
  if [[ -n $service_pid ]]; then kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true; fi
  rm -f "$SOCK"
}
trap cleanup EXIT

[[ -d build/kafka/libs ]] || mvn -B -ntp -q -DskipTests install -pl tools/kafka-dist
podman image exists localhost/kafka-edge/jre-base:latest || scripts/images.sh
tests/junit.py run --out "$RESULTS_DIR" --name "Kafka test image builds offline" -- \
  services/testkit/container/build-image.sh "$IMAGE"

podman system service --time=0 "unix://$SOCK" >build/podman-testcontainers.log 2>&1 &
service_pid=$!
for _ in $(seq 1 50); do [[ -S $SOCK ]] && break; sleep 0.2; done

# Ryuk (the reaper) is an image from a registry: off; the fixture stops its container itself.
export DOCKER_HOST=unix://$SOCK TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true
find services/testkit services/aggregator -path '*/target/surefire-reports' -prune -exec rm -rf {} +
mvn -B -ntp -q install -pl services/testkit,services/aggregator -am \
  -Dkafka.fixture=container -Dkafka.fixture.image="$IMAGE" \
  -Dtest='KafkaFixtureTest,AggregatorIntegrationTest' -Dsurefire.failIfNoSpecifiedTests=false
