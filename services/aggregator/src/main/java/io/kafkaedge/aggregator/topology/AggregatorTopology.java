package io.kafkaedge.aggregator.topology;

import java.time.Clock;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;

/**
 * The aggregator's topology, a pure function of its settings:
 * <pre>
 * sensor-data ─ parse+validate (serde) ─ event time (extractor)
 *   ├─ rejected ───────────────────────────────────────────────────────────▶ sensor-data-dlq
 *   └─ valid ─ identify ─┬─ keyed by sensor id ───────────┐
 *                        └─ other key ─ rekeyed-repartition┴─ lateness gate
 *                                        ├─ late ──────────────────────────▶ sensor-data-dlq
 *                                        └─ on time ─ tumbling window (grace) ─ suppress
 *                                                     until closed ─ aggregate ▶ sensor-data-aggregated
 * </pre>
 * Stores and internal topics have fixed names ({@link Topics}) so changelogs survive upgrades.
 */
public final class AggregatorTopology {

    private AggregatorTopology() {
    }

    /**
     * @param clock   the clock for the future-timestamp check
     * @param metrics where accepted / rejected / late / emitted are counted
     */
    public static Topology build(TopologySettings settings, Clock clock, PipelineMetrics metrics) {
        long windowMs = settings.window().toMillis();
        long graceMs = settings.grace().toMillis();
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
                .selectKey((key, reading) -> Bytes.wrap(reading.id().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        Named.as("rekey"))
                .repartition(Repartitioned.with(Serdes.Bytes(), sensorReadingSerde).withName(Topics.REKEY));

        Map<String, KStream<Bytes, LatenessGate.Gated>> gated = byKey.get("key-by-id")
                .merge(rekeyed, Named.as("keyed-readings"))
                .processValues(() -> new LatenessGate(windowMs, graceMs, metrics), Named.as("lateness-gate"))
                .split(Named.as("timing-"))
                .branch((key, g) -> g.late(), Branched.as("late"))
                .defaultBranch(Branched.as("on-time"));
        KStream<Bytes, byte[]> late = gated.get("timing-late")
                .processValues(() -> new DeadLetters.Late(windowMs, graceMs), Named.as("dead-letter-late"));

        rejected.merge(late, Named.as("dead-letters"))
                .to(settings.dlqTopic(), Produced.with(Serdes.Bytes(), Serdes.ByteArray()).withName("dlq-sink"));

        gated.get("timing-on-time")
                .mapValues(LatenessGate.Gated::reading, Named.as("on-time-readings"))
                .groupByKey(Grouped.with("by-sensor", Serdes.Bytes(), sensorReadingSerde))
                .windowedBy(TimeWindows.ofSizeAndGrace(settings.window(), settings.grace()))
                .aggregate(() -> WindowStats.EMPTY, (key, reading, stats) -> stats.add(reading),
                        Named.as("window-aggregate"),
                        Materialized.<Bytes, WindowStats>as(Stores.inMemoryWindowStore(Topics.WINDOW_STORE,
                                        settings.window().plus(settings.grace()), settings.window(), false))
                                .withKeySerde(Serdes.Bytes())
                                .withValueSerde(new WindowStatsSerde()))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                        .withName(Topics.SUPPRESS_BUFFER))
                .toStream(Named.as("closed-windows"))
                .process(() -> new EmitAggregate(settings.site(), metrics), Named.as("emit-aggregate"))
                .to(settings.aggregatedTopic(),
                        Produced.with(Serdes.String(), new JsonSerde<>(Aggregate.class)).withName("aggregate-sink"));

        return builder.build();
    }
}
