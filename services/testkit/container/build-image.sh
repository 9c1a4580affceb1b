#!/usr/bin/env bash
# Builds localhost/kafka-edge/kafka-test:<kafka version> for the Testcontainers fixture, without a
# registry: the project's JRE base image (scripts/images.sh) + build/kafka/libs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
LIBS=$ROOT/build/kafka/libs
TAG=${1:-localhost/kafka-edge/kafka-test:$("$ROOT/scripts/pom-property.sh" kafka.version)}
[[ -d $LIBS ]] || { echo "no Kafka jars in $LIBS: run 'mvn -pl tools/kafka-dist install'" >&2; exit 1; }
podman image exists localhost/kafka-edge/jre-base:latest || { echo "no base image: run scripts/images.sh" >&2; exit 1; }
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
here=$(dirname "$0")
cp "$here/Containerfile" "$here/run" "$here/log4j2.yaml" "$context/"
cp -r "$LIBS" "$context/libs"
podman build -q -t "$TAG" -f "$context/Containerfile" "$context"
