#!/usr/bin/env bash
# Build both service images without any registry and load them into podman:
#   1. a Debian bookworm base (debootstrap --variant=minbase) with a jlinked Java runtime from the
#      local JDK → `podman import` → docker-archive tar (cached under build/images/);
#   2. Jib `jib:buildTar` of each service on that base (tar:// base image);
#   3. `podman load` of each image → localhost/kafka-edge/<service>:<version>.
# For users with a registry: `mvn jib:build -Dimage.registry=<registry>/<path>` builds multi-arch
# (amd64 + arm64) images on eclipse-temurin:21-jre instead (see README).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=build/images
BASE_TAR=$OUT/jre-base.tar
BASE_REF=localhost/kafka-edge/jre-base:latest
REGISTRY=${IMAGE_REGISTRY:-localhost/kafka-edge}
SERVICES=(aggregator frontend)
# Modules the services (Helidon, Kafka clients/Streams, RocksDB, JMX metrics) need at run time.
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,java.naming,java.net.http,java.prefs,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.jfr,jdk.management,jdk.management.agent,jdk.net,jdk.unsupported,jdk.zipfs,jdk.httpserver

: "${JAVA_HOME:?JAVA_HOME must point at a JDK 21+ (make sets it)}"
arch=$(dpkg --print-architecture)
# The cache key: JDK, module list and this script. A change rebuilds the base.
key=$( { "$JAVA_HOME/bin/java" -version 2>&1; echo "$MODULES $arch"; cat "$0"; } | sha256sum | cut -c1-16)

build_base() {
  local work=$OUT/base-work
  rm -rf "$work" && mkdir -p "$work"
  echo "images: debootstrap bookworm ($arch) → $work/rootfs"
  debootstrap --variant=minbase --arch="$arch" bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  echo "images: jlink runtime from $JAVA_HOME"
  "$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$work/rootfs/opt/java"
  # Trim what a runtime image does not need: apt lists, docs, locales.
  rm -rf "$work/rootfs"/var/lib/apt/lists/* "$work/rootfs"/var/cache/apt/*.bin \
         "$work/rootfs"/usr/share/doc/* "$work/rootfs"/usr/share/man/* "$work/rootfs"/usr/share/locale/*
  tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
  podman rmi -f "$BASE_REF" >/dev/null 2>&1 || true
  podman import \
    --change 'ENV PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV JAVA_HOME=/opt/java' \
    --change 'ENV LANG=C.UTF-8' \
    "$work/rootfs.tar" "$BASE_REF" >/dev/null
  rm -f "$BASE_TAR"
  podman save --format docker-archive -o "$BASE_TAR" "$BASE_REF"
  echo "$key" > "$BASE_TAR.key"
  rm -rf "$work"
}

mkdir -p "$OUT"
if [[ -f $BASE_TAR && "$(cat "$BASE_TAR.key" 2>/dev/null)" == "$key" ]]; then
  echo "images: base $BASE_TAR is up to date"
else
  start=$SECONDS; build_base; echo "images: base built in $(( SECONDS - start ))s ($(du -h "$BASE_TAR" | cut -f1))"
fi

start=$SECONDS
modules=$(printf 'services/%s,' "${SERVICES[@]}")
mvn -B -ntp -q -DskipTests install
mvn -B -ntp -q -pl "${modules%,}" jib:buildTar \
  -Djib.from.image="tar://$ROOT/$BASE_TAR" -Djib.from.platforms=linux/"$arch" \
  -Dimage.registry="$REGISTRY"
for svc in "${SERVICES[@]}"; do
  podman load -q -i "services/$svc/target/jib-image.tar"
done
echo "images: Jib + podman load in $(( SECONDS - start ))s"
podman images --filter "reference=$REGISTRY/*" --format '{{.Repository}}:{{.Tag}} {{.Size}}'
