package io.kafkaedge.aggregator.topology;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;

/**
 * The aggregator's topology, a pure function of its settings:
 * <pre>
 * sensor-data ─ parse+validate (serde) ─ event time (extractor)
 *   ├─ rejected ─────────────────────────────────────────────────────────▶ sensor-data-dlq
 *   └─ valid ─ identify ─┬─ keyed by sensor id ─────────────────── windows
 *                        └─ other key ─ rekeyed-repartition ─ rekeyed-windows
 * windows: lateness gate ─┬─ late ────────────────────────────────────────▶ sensor-data-dlq
 *                         └─ on time ─ tumbling window (grace), emitted once
 *                                      closed ─ aggregate ──────────────▶ sensor-data-aggregated
 * </pre>
 * Records keyed by their sensor id (the contract, and the seed firmware's {@code "<lat>x<long>"}
 * key) take the direct path; keyless or mis-keyed ones are re-keyed through a repartition topic
 * and windowed separately. A sensor is expected to be keyed the same way all the time.
 * Stores and internal topics have fixed names ({@link Topics}) so changelogs survive upgrades.
 */
public final class AggregatorTopology {

    private AggregatorTopology() {
    }

    /**
     * Streams settings the topology relies on: closed windows are looked for on every record
     * (Kafka's default checks at most once per wall-clock second, so the last windows of a burst
     * would wait for a reading that arrives a second later).
     */
    public static Map<String, Object> streamsConfig() {
        return Map.of(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, 0L);
    }

    /**
     * @param clock   the clock for the future-timestamp check
     * @param metrics where accepted / rejected / late / emitted are counted
     */
    public static Topology build(TopologySettings settings, Clock clock, PipelineMetrics metrics) {
        ReadingSerde readingSerde = new ReadingSerde(new ReadingParser(clock, settings.maxFutureSkew()));
        SensorReadingSerde sensorReadingSerde = new SensorReadingSerde();
        StreamsBuilder builder = new StreamsBuilder();

        KStream<Bytes, ParseResult> readings = builder.stream(settings.rawTopic(),
                Consumed.with(Serdes.Bytes(), readingSerde)
                        .withTimestampExtractor(new EventTimeExtractor())
                        .withName("readings"));

        Map<String, KStream<Bytes, ParseResult>> triage = readings.split(Named.as("triage-"))
                .branch((key, value) -> value instanceof ParseResult.Rejected, Branched.as("rejected"))
                .defaultBranch(Branched.as("valid"));
        KStream<Bytes, byte[]> rejected = triage.get("triage-rejected")
                .processValues(() -> new DeadLetters.Rejected(metrics), Named.as("dead-letter-rejected"));

        Map<String, KStream<Bytes, SensorReading>> byKey = triage.get("triage-valid")
                .processValues(Identify::new, Named.as("identify"))
                .split(Named.as("key-"))
                .branch(Identify::keyedById, Branched.as("by-id"))
                .defaultBranch(Branched.as("other"));
        KStream<Bytes, SensorReading> rekeyed = byKey.get("key-other")
                .selectKey((key, reading) -> Bytes.wrap(reading.id().getBytes(StandardCharsets.UTF_8)),
                        Named.as("rekey"))
                .repartition(Repartitioned.with(Serdes.Bytes(), sensorReadingSerde).withName(Topics.REKEY));

        rejected.to(settings.dlqTopic(), dlqSink("dlq-rejected"));
        windows(byKey.get("key-by-id"), "", settings, metrics);
        windows(rekeyed, Topics.REKEY + "-", settings, metrics);
        return builder.build();
    }

    /**
     * Lateness gate, tumbling windows with grace, final results only (emitted on window close), aggregates out. Each
     * path has its own stream time: re-keyed readings come back through their topic later than
     * the directly keyed ones and would otherwise look late while catching up on a backlog.
     */
    private static void windows(KStream<Bytes, SensorReading> readings, String prefix, TopologySettings settings,
                                PipelineMetrics metrics) {
        long windowMs = settings.window().toMillis();
        long graceMs = settings.grace().toMillis();
        SensorReadingSerde sensorReadingSerde = new SensorReadingSerde();
        Map<String, KStream<Bytes, LatenessGate.Gated>> gated = readings
                .processValues(() -> new LatenessGate(windowMs, graceMs, metrics), Named.as(prefix + "lateness-gate"))
                .split(Named.as(prefix + "timing-"))
                .branch((key, g) -> g.late(), Branched.as("late"))
                .defaultBranch(Branched.as("on-time"));
        gated.get(prefix + "timing-late")
                .processValues(() -> new DeadLetters.Late(windowMs, graceMs), Named.as(prefix + "dead-letter-late"))
                .to(settings.dlqTopic(), dlqSink(prefix + "dlq-late"));

        gated.get(prefix + "timing-on-time")
                .mapValues(LatenessGate.Gated::reading, Named.as(prefix + "on-time-readings"))
                .groupByKey(Grouped.with(prefix + "by-sensor", Serdes.Bytes(), sensorReadingSerde))
                .windowedBy(TimeWindows.ofSizeAndGrace(settings.window(), settings.grace()))
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(() -> WindowStats.EMPTY, (key, reading, stats) -> stats.add(reading),
                        Named.as(prefix + "window-aggregate"),
                        Materialized.<Bytes, WindowStats>as(Stores.inMemoryWindowStore(prefix + Topics.WINDOW_STORE,
                                        settings.window().plus(settings.grace()), settings.window(), false))
                                .withKeySerde(Serdes.Bytes())
                                .withValueSerde(new WindowStatsSerde()))
                .toStream(Named.as(prefix + "closed-windows"))
                .process(() -> new EmitAggregate(settings.site(), metrics), Named.as(prefix + "emit-aggregate"))
                .to(settings.aggregatedTopic(), Produced.with(Serdes.String(), new JsonSerde<>(Aggregate.class))
                        .withName(prefix + "aggregate-sink"));
    }

    private static Produced<Bytes, byte[]> dlqSink(String name) {
        return Produced.with(Serdes.Bytes(), Serdes.ByteArray()).withName(name);
    }
}
