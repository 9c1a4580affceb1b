#!/usr/bin/env bash
# `mvn verify` of every Maven module: unit, TopologyTestDriver, property-based, API, browser and
# in-JVM Kafka integration tests. Surefire/failsafe reports are collected into RESULTS_DIR.
set -euo pipefail
collect() {
  find . -path ./build -prune -o \( -path '*/target/surefire-reports/TEST-*.xml' -o \
    -path '*/target/failsafe-reports/TEST-*.xml' \) -print | while read -r f; do
    module=$(echo "$f" | cut -d/ -f2- | sed 's#/target/.*##; s#/#_#g')
    cp "$f" "$RESULTS_DIR/${module}-$(basename "$f")"
  done
}
trap collect EXIT
find . -path ./build -prune -o \( -path '*/target/surefire-reports' -o -path '*/target/failsafe-reports' \) -print \
  | xargs -r rm -rf
mvn -B -ntp verify
