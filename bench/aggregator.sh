#!/usr/bin/env bash
# Aggregator benchmark (not a test): a real KRaft broker (own JVM, scripts/kafka-broker.sh) pre-filled
# with 10,000 sensors' readings over 6 one-minute windows (2,040,003 readings, each with bootId and
# seq); then, in the same run, (a) a plain KafkaConsumer reads the topic without parsing (the ceiling
# on this machine), (c) a Kafka Streams pass-through, (d) the seed project's design (SeedPeer: DSL
# windowed aggregate of averages, Jackson databind, default settings, exactly_once_v2) and (b) the
# aggregator jar (own JVM, exactly-once) processes it to the last aggregate. A second, smaller run
# with 1,000 sensors measures resident memory. Prints BENCH lines and writes
# build/bench/aggregator.json:
#   aggregator.readings_per_s      readings / (first reading accepted → last aggregate committed)
#   consumer.readings_per_s        plain consumer, byte[] values, no parsing (first poll → last record),
#                                  median of three passes
#   aggregator.throughput_ratio    (b) / (a)
#   passthrough.readings_per_s     (c) Kafka Streams with the aggregator's engine settings and JVM,
#                                  a processor that only counts (first → last record): the ceiling
#                                  of any Streams topology here
#   passthrough.throughput_ratio   (c) / (a)
#   seed_peer.readings_per_s       (d) first record → last record aggregated
#   aggregator.vs_seed_ratio       (b) / (d); target >= 2 (ours validates, de-duplicates, counts loss)
#   aggregator.cpu_us_per_reading  CPU time (user+sys, all threads) of the aggregator JVM per reading
#   seed_peer.cpu_us_per_reading   the same for (d); passthrough.cpu_us_per_reading for (c)
#   consumer.cpu_us_per_reading    the same for the plain consumer's JVM
#   aggregator.peak_rss_mb         peak VmRSS of the aggregator JVM, 10,000 sensors
#   aggregator.peak_rss_1k_mb      peak VmRSS of the aggregator JVM, 1,000 sensors
# Sizes and JVM flags are overridable: BENCH_SENSORS, BENCH_PER_WINDOW, BENCH_WINDOWS,
# BENCH_AGGREGATOR_JVM; AGGREGATOR_* variables reach the aggregator (e.g. tuning knobs).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib.bash
source bench/lib.bash
SENSORS=${BENCH_SENSORS:-10000}
PER_WINDOW=${BENCH_PER_WINDOW:-34}
WINDOWS=${BENCH_WINDOWS:-6}
KAFKA_PORT=${BENCH_KAFKA_PORT:-24392}
# Small-footprint JVM for a Pi / a 256 MiB container: what mattered is in services/aggregator/README.md.
read -r -a JVM <<< "${BENCH_AGGREGATOR_JVM:--Xmx128m -Xss512k -XX:+UseSerialGC -XX:ReservedCodeCacheSize=48m -XX:+ExitOnOutOfMemoryError}"
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
WORK=$ROOT/build/bench/aggregator

cleanup() {
  scripts/kafka-broker.sh stop "$WORK/broker" >/dev/null 2>&1 || true
  rm -rf "$WORK/broker" "$WORK"/state-*
}
trap cleanup EXIT

rm -rf "$WORK" && mkdir -p "$WORK"
BENCH_CP=$(bench_classpath aggregator "$WORK")

# Kafka's (and Strimzi's) default initial rebalance delay, not the test broker's 0: the three stream
# threads join one rebalance, as they do against a real cluster.
KAFKA_BROKER_PROPERTIES=group.initial.rebalance.delay.ms=3000 scripts/kafka-broker.sh start "$WORK/broker" "$KAFKA_PORT"

run() { # label sensors per-window [VAR=value for the driver]
  env "${@:4}" "$JAVA" -Xmx1g -cp "$BENCH_CP" io.kafkaedge.aggregator.bench.AggregatorBench "127.0.0.1:$KAFKA_PORT" \
    services/aggregator/target/aggregator.jar "$WORK" "$2" "$3" "$WINDOWS" "$1" "${JVM[@]}" | tee "$WORK/$1.txt"
}
value() { awk -v k="$2" '$1 == "RESULT" && $2 == k { print $3 }' "$WORK/$1.txt"; }

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average at start: $LOAD (this machine is shared: throughput depends on it, CPU per reading much less)"
run full "$SENSORS" "$PER_WINDOW"
run small 1000 "$PER_WINDOW" BENCH_PASSTHROUGH=false BENCH_SEED_PEER=false

aggregator=$(value full aggregator_readings_per_s)
consumer=$(value full consumer_readings_per_s)
ratio=$(awk -v a="$aggregator" -v c="$consumer" 'BEGIN { printf "%.2f", a / c }')
echo "BENCH aggregator.readings_per_s $aggregator readings/s"
echo "BENCH consumer.readings_per_s $consumer readings/s"
echo "BENCH aggregator.throughput_ratio $ratio ratio"
passthrough=$(value full passthrough_readings_per_s)
passthrough_ratio=$(awk -v a="$passthrough" -v c="$consumer" 'BEGIN { printf "%.2f", a / c }')
echo "BENCH passthrough.readings_per_s $passthrough readings/s"
echo "BENCH passthrough.throughput_ratio $passthrough_ratio ratio"
seed=$(value full seed_peer_readings_per_s)
vs_seed=$(awk -v a="$aggregator" -v s="$seed" 'BEGIN { printf "%.2f", a / s }')
echo "BENCH seed_peer.readings_per_s $seed readings/s"
echo "BENCH aggregator.vs_seed_ratio $vs_seed ratio"
echo "BENCH aggregator.cpu_us_per_reading $(value full aggregator_cpu_us_per_reading) us"
echo "BENCH seed_peer.cpu_us_per_reading $(value full seed_peer_cpu_us_per_reading) us"
echo "BENCH passthrough.cpu_us_per_reading $(value full passthrough_cpu_us_per_reading) us"
echo "BENCH consumer.cpu_us_per_reading $(value full consumer_cpu_us_per_reading) us"
echo "BENCH aggregator.peak_rss_mb $(value full aggregator_peak_rss_mb) MB"
echo "BENCH aggregator.peak_rss_1k_mb $(value small aggregator_peak_rss_mb) MB"
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
echo "BENCH load_average.start ${LOAD%% *} load"
echo "BENCH load_average.end ${LOAD_END%% *} load"
cat > build/bench/aggregator.json <<JSON
{"sensors": $SENSORS, "windows": $WINDOWS, "readings": $(value full readings), "aggregates": $(value full aggregates),
 "jvm": "${JVM[*]}", "malloc_arena_max": $MALLOC_ARENA_MAX, "processing_guarantee": "exactly_once_v2",
 "aggregator_readings_per_s": $aggregator, "consumer_readings_per_s": $consumer, "throughput_ratio": $ratio,
 "passthrough_readings_per_s": $passthrough, "passthrough_throughput_ratio": $passthrough_ratio,
 "passthrough_cpu_us_per_reading": $(value full passthrough_cpu_us_per_reading),
 "seed_peer_readings_per_s": $seed, "vs_seed_ratio": $vs_seed,
 "seed_peer_cpu_us_per_reading": $(value full seed_peer_cpu_us_per_reading), "load_average_at_end": "$LOAD_END",
 "aggregator_s": $(value full aggregator_s),
 "aggregator_cpu_us_per_reading": $(value full aggregator_cpu_us_per_reading), "consumer_cpu_us_per_reading": $(value full consumer_cpu_us_per_reading),
 "load_average_at_start": "$LOAD", "aggregator_startup_s": $(value full aggregator_startup_s),
 "peak_rss_mb": $(value full aggregator_peak_rss_mb), "peak_rss_1k_sensors_mb": $(value small aggregator_peak_rss_mb),
 "readings_1k": $(value small readings), "aggregator_readings_per_s_1k": $(value small aggregator_readings_per_s)}
JSON
