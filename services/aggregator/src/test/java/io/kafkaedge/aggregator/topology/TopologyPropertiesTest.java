package io.kafkaedge.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaedge.contract.Contract;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Property-based: arbitrary bytes and arbitrary JSON never throw out of the parser or the
 * topology, and every input ends either in exactly one aggregate's count or in the dead-letter
 * topic — with the aggregates matching a simple model of event-time windows and grace.
 */
class TopologyPropertiesTest {

    static final Instant BASE = Instant.parse("2026-11-24T18:00:00Z");
    static final Clock CLOCK = Clock.fixed(BASE.plus(Duration.ofMinutes(10)), ZoneOffset.UTC);
    static final TopologySettings SETTINGS = TopologySettings.defaults("prop");
    static final long WINDOW = SETTINGS.window().toMillis();
    static final long GRACE = SETTINGS.grace().toMillis();
    static final List<String> SENSORS = List.of("a", "b", "c", "d");
    static final List<String> FIELDS = List.of("sensorId", "seq", "timestamp", "temperature", "humidity",
            "pressure", "latitude", "longitude");
    static final ObjectMapper JSON = new ObjectMapper();

    /** A record for the raw topic. */
    record Input(byte[] key, byte[] value) {
        @Override
        public String toString() {
            return (key == null ? "null" : new String(key, StandardCharsets.UTF_8)) + " -> "
                    + (value == null ? "null" : new String(value, StandardCharsets.UTF_8));
        }
    }

    @Property(tries = 2000)
    void parserNeverThrowsOnArbitraryBytes(@ForAll byte[] bytes) {
        ParseResult result = new ReadingParser(CLOCK, SETTINGS.maxFutureSkew()).parse(bytes);
        assertThat(result.raw()).isEqualTo(bytes);
    }

    @Property(tries = 2000)
    void parserNeverThrowsOnArbitraryJsonAndValidMeansInRange(@ForAll("jsonObjects") byte[] json) {
        ParseResult result = new ReadingParser(CLOCK, SETTINGS.maxFutureSkew()).parse(json);
        if (result instanceof ParseResult.Valid valid) {
            Reading r = valid.reading();
            assertThat(r.temperature()).isBetween(Contract.TEMPERATURE.min(), Contract.TEMPERATURE.max());
            assertThat(r.humidity()).isBetween(Contract.HUMIDITY.min(), Contract.HUMIDITY.max());
            assertThat(r.pressure()).isBetween(Contract.PRESSURE.min(), Contract.PRESSURE.max());
            assertThat(r.eventTimeMs()).isBetween(0L, CLOCK.millis() + SETTINGS.maxFutureSkew().toMillis());
        } else {
            assertThat(((ParseResult.Rejected) result).detail()).isNotBlank();
        }
    }

    @Property(tries = 40)
    void everyInputEndsInAnAggregateCountOrTheDeadLetterTopic(@ForAll("inputs") @Size(max = 150) List<Input> inputs) {
        CountingMetrics metrics = new CountingMetrics();
        try (TopologyTestDriver driver = new TopologyTestDriver(AggregatorTopology.build(SETTINGS, CLOCK, metrics),
                AggregatorTopologyTest.streamsProperties())) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic(Topics.RAW,
                    new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<String, Aggregate> out = driver.createOutputTopic(Topics.AGGREGATED,
                    new StringDeserializer(), new JsonSerde<>(Aggregate.class).deserializer());
            TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic(Topics.DLQ,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());

            for (Input input : inputs) {
                in.pipeInput(input.key(), input.value());
            }
            // a reading at the clock on each path closes every window the inputs can have opened
            in.pipeInput("flush".getBytes(StandardCharsets.UTF_8),
                    TestReadings.reading("flush", CLOCK.instant(), 20).getBytes(StandardCharsets.UTF_8));
            in.pipeInput(null, TestReadings.reading("flush-rekeyed", CLOCK.instant(), 20).getBytes(StandardCharsets.UTF_8));

            List<Aggregate> aggregates = out.readValuesToList();
            long aggregated = aggregates.stream().mapToLong(Aggregate::count).sum();
            assertThat(aggregated + dlq.getQueueSize()).isEqualTo(inputs.size());
            assertThat(metrics.accepted.get() + metrics.late.get() + metrics.rejectedTotal())
                    .isEqualTo(inputs.size() + 2);
            assertThat(metrics.emitted.get()).isEqualTo(aggregates.size());
            assertThat(aggregates).allSatisfy(a -> {
                assertThat(a.temperature().avg()).isBetween(a.temperature().min() - 1e-9, a.temperature().max() + 1e-9);
                assertThat(a.count()).isPositive();
            });
            assertThat(byWindow(aggregates)).isEqualTo(model(inputs));
        }
    }

    /** Counts per sensor and window, sorted (a sensor keyed both ways has one aggregate per path). */
    private static Map<String, List<Long>> byWindow(List<Aggregate> aggregates) {
        Map<String, List<Long>> counts = new HashMap<>();
        for (Aggregate a : aggregates) {
            counts.computeIfAbsent(a.sensorId() + "@" + a.windowStart(), k -> new java.util.ArrayList<>()).add(a.count());
        }
        counts.values().forEach(java.util.Collections::sort);
        return counts;
    }

    /**
     * Expected count per sensor and window: valid readings with an identifier as id whose window had
     * not closed on arrival (these readings carry no bootId/seq, so nothing is a repeat).
     * Readings keyed by their id and re-keyed ones are windowed on separate paths, each with its own
     * stream time.
     */
    private static Map<String, List<Long>> model(List<Input> inputs) {
        ReadingParser parser = new ReadingParser(CLOCK, SETTINGS.maxFutureSkew());
        Map<String, Long> counts = new HashMap<>();
        Map<Boolean, Long> streamTime = new HashMap<>();
        for (Input input : inputs) {
            if (parser.parse(input.value()) instanceof ParseResult.Valid valid) {
                Reading r = valid.reading();
                boolean hasKey = input.key() != null && input.key().length > 0;
                String id = r.sensorId() != null ? r.sensorId()
                        : hasKey ? new String(input.key(), StandardCharsets.UTF_8) : r.locationKey();
                if (!Contract.isIdentifier(id)) {
                    continue; // invalid_field: an id from a record key that is not an identifier
                }
                boolean direct = hasKey && Arrays.equals(input.key(), id.getBytes(StandardCharsets.UTF_8));
                long time = streamTime.merge(direct, r.eventTimeMs(), Math::max);
                long start = r.eventTimeMs() / WINDOW * WINDOW;
                if (start + WINDOW > time - GRACE) {
                    counts.merge(direct + "|" + id + "@" + Instant.ofEpochMilli(start), 1L, Long::sum);
                }
            }
        }
        Map<String, List<Long>> bySensorWindow = new HashMap<>();
        counts.forEach((key, count) -> bySensorWindow
                .computeIfAbsent(key.substring(key.indexOf('|') + 1), k -> new java.util.ArrayList<>()).add(count));
        bySensorWindow.values().forEach(java.util.Collections::sort);
        return bySensorWindow;
    }

    @Provide
    Arbitrary<List<Input>> inputs() {
        Arbitrary<byte[]> values = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, validReadings()),
                net.jqwik.api.Tuple.of(2, jsonObjects()),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just((byte[]) null)));
        Arbitrary<byte[]> keys = Arbitraries.oneOf(
                Arbitraries.of(SENSORS).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just((byte[]) null),
                Arbitraries.just("50.0x14.0".getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(4));
        return Combinators.combine(keys, values).as(Input::new).list();
    }

    /** Contract readings (or seed-style ones without sensorId) over five windows, a few late or in the future. */
    Arbitrary<byte[]> validReadings() {
        Arbitrary<String> sensor = Arbitraries.of(SENSORS).injectNull(0.15);
        Arbitrary<Long> offsetSeconds = Arbitraries.longs().between(0, 5 * 60 + 30);
        Arbitrary<Double> temperature = Arbitraries.doubles().between(-70, 90).ofScale(2);
        return Combinators.combine(sensor, offsetSeconds, temperature,
                        Arbitraries.doubles().between(0, 100).ofScale(2),
                        Arbitraries.doubles().between(300, 1100).ofScale(2),
                        Arbitraries.of(true, false))
                .as((id, offset, t, h, p, iso) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    if (id != null) {
                        m.put("sensorId", id);
                    }
                    Instant time = BASE.plusSeconds(offset).plusMillis(offset % 7 * 111);
                    m.put("timestamp", iso ? time.toString() : time.toString().replace('T', ' ').replace("Z", ""));
                    m.put("temperature", t);
                    m.put("humidity", h);
                    m.put("pressure", p);
                    m.put("latitude", 50.0);
                    m.put("longitude", 14.0);
                    return bytes(m);
                });
    }

    /** JSON objects biased toward the reading's field names with values of any type. */
    @Provide
    Arbitrary<byte[]> jsonObjects() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(25).map(s -> (Object) s),
                Arbitraries.doubles().between(-2000, 2000).map(d -> (Object) d),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.of("2026-11-24T18:01:02Z", "2026-11-24 18:03:04", "2031-01-01T00:00:00Z",
                        "1969-12-31T23:59:59Z", "2026-13-01T00:00:00Z").map(s -> (Object) s),
                Arbitraries.just(null));
        Arbitrary<Object> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, scalar),
                net.jqwik.api.Tuple.of(1, scalar.list().ofMaxSize(3).map(l -> (Object) l)),
                net.jqwik.api.Tuple.of(1, Arbitraries.maps(Arbitraries.strings().ofMaxLength(5), scalar)
                        .ofMaxSize(2).map(m -> (Object) m)));
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().ofMaxLength(8));
        return Arbitraries.maps(key, value).ofMaxSize(10).map(m -> bytes(new LinkedHashMap<>(m)));
    }

    private static byte[] bytes(Map<String, Object> m) {
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
