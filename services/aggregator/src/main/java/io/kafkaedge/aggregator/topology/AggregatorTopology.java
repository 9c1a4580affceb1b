package io.kafkaedge.aggregator.topology;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The aggregator's topology, a pure function of its settings:
 * <pre>
 * sensor-data ─ parse+validate (serde) ─ event time (extractor) ─ route
 *   ├─ rejected, or keyed by sensor id ─ windows ─┬─ aggregates ─▶ sensor-data-aggregated
 *   │                                              └─ rejected, late ─▶ sensor-data-dlq
 *   └─ other key ─ identify ─ rekeyed-repartition ─ rekeyed-windows ─ (the same two outputs)
 * </pre>
 * Windowing, de-duplication, lateness and emission happen in one processor node per path
 * ({@link WindowProcessor}) over two public key-value stores (open windows, last seq per sensor);
 * records are forwarded only for aggregates and dead letters. Records keyed by their sensor id (the contract, and the seed firmware's
 * {@code "<lat>x<long>"} key) take the direct path; keyless or mis-keyed ones are re-keyed through a
 * repartition topic and windowed separately, with their own stream time (they come back through
 * their topic later than the directly keyed ones and would otherwise look late while catching up on
 * a backlog). A sensor is expected to be keyed the same way all the time. Stores and internal
 * topics have fixed names ({@link Topics}) so changelogs survive upgrades.
 */
public final class AggregatorTopology {

    private static final String REKEY_STORE = Topics.REKEY + "-" + Topics.WINDOW_STORE;
    private static final String REKEY_LAST_SEQ_STORE = Topics.REKEY + "-" + Topics.LAST_SEQ_STORE;

    private AggregatorTopology() {
    }

    /**
     * @param clock   the clock for the future-timestamp check
     * @param metrics where accepted / rejected / late / emitted are counted
     */
    public static Topology build(TopologySettings settings, Clock clock, PipelineMetrics metrics) {
        ReadingSerde readingSerde = new ReadingSerde(new ReadingParser(clock, settings.maxFutureSkew()));
        StreamsBuilder builder = new StreamsBuilder();
        for (String store : List.of(Topics.WINDOW_STORE, Topics.LAST_SEQ_STORE, REKEY_STORE, REKEY_LAST_SEQ_STORE)) {
            builder.addStateStore(store(store));
        }

        KStream<Bytes, ParseResult> readings = builder.stream(settings.rawTopic(),
                Consumed.with(Serdes.Bytes(), readingSerde)
                        .withTimestampExtractor(new EventTimeExtractor())
                        .withName("readings"));
        Map<String, KStream<Bytes, ParseResult>> routes = readings.split(Named.as("route-"))
                .branch((key, value) -> !(value instanceof ParseResult.Valid valid) || Identify.keyedById(key, valid.reading()),
                        Branched.as("direct"))
                .defaultBranch(Branched.as("rekey"));

        outputs(routes.get("route-direct")
                .process(() -> new WindowProcessor.Direct(Topics.WINDOW_STORE, Topics.LAST_SEQ_STORE, settings, metrics),
                        Named.as("windows"), Topics.WINDOW_STORE, Topics.LAST_SEQ_STORE), "", settings);

        KStream<Bytes, SensorReading> rekeyed = routes.get("route-rekey")
                .processValues(Identify::new, Named.as("identify"))
                .selectKey((key, reading) -> Bytes.wrap(reading.id().getBytes(StandardCharsets.UTF_8)),
                        Named.as("rekey"))
                .repartition(Repartitioned.with(Serdes.Bytes(), new SensorReadingSerde()).withName(Topics.REKEY));
        outputs(rekeyed.process(() -> new WindowProcessor.Rekeyed(REKEY_STORE, REKEY_LAST_SEQ_STORE, settings, metrics),
                Named.as(Topics.REKEY + "-windows"), REKEY_STORE, REKEY_LAST_SEQ_STORE), Topics.REKEY + "-", settings);
        return builder.build();
    }

    /**
     * A changelogged in-memory key-value store with Streams' record cache in front: a key updated
     * many times between two commits costs one changelog record, written inside the transaction.
     */
    private static StoreBuilder<KeyValueStore<Bytes, byte[]>> store(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled()
                .withLoggingEnabled(Map.of());
    }


    private static void outputs(KStream<Bytes, Emitted> emitted, String prefix, TopologySettings settings) {
        emitted.split(Named.as(prefix + "emitted-"))
                .branch((key, value) -> value.deadLetter(), Branched.withConsumer(deadLetters -> deadLetters
                        .mapValues(Emitted::bytes, Named.as(prefix + "dead-letter-bytes"))
                        .to(settings.dlqTopic(), sink(prefix + "dlq-sink")), "dead-letters"))
                .defaultBranch(Branched.withConsumer(aggregates -> aggregates
                        .mapValues(Emitted::bytes, Named.as(prefix + "aggregate-bytes"))
                        .to(settings.aggregatedTopic(), sink(prefix + "aggregate-sink")), "aggregates"));
    }

    private static Produced<Bytes, byte[]> sink(String name) {
        return Produced.with(Serdes.Bytes(), Serdes.ByteArray()).withName(name);
    }
}
