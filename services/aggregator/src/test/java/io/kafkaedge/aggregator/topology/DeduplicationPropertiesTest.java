package io.kafkaedge.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaedge.testkit.ContractSchemas;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Property-based: sensors that count seq per boot, reboot, lose readings, and whose readings are
 * resent any number of times and arrive reordered. The topology's aggregates (count, duplicates,
 * missing, statistics) equal those of a plain model: event-time windows with grace over the
 * de-duplicated readings, gaps counted per boot inside a window and since the boot's last seq in the
 * sensor's previous window. Every aggregate validates against contract/aggregate.schema.json.
 */
class DeduplicationPropertiesTest {

    static final Instant BASE = Instant.parse("2026-11-24T18:00:00Z");
    static final TopologySettings SETTINGS = TopologySettings.defaults("prop");
    static final long WINDOW = SETTINGS.window().toMillis();
    static final long GRACE = SETTINGS.grace().toMillis();
    static final ObjectMapper JSON = new ObjectMapper();

    /** One reading as a device sends it; {@code boot == null}: without bootId/seq. */
    record Sent(String sensor, String boot, long seq, long timeMs, double temperature) {
        String json() {
            Instant time = Instant.ofEpochMilli(timeMs);
            return boot == null ? TestReadings.reading(sensor, time, temperature)
                    : TestReadings.reading(sensor, boot, seq, time, temperature);
        }
    }

    /** Expected aggregate fields. */
    record Expected(long count, long duplicates, long missing, double sum, double min, double max) {
    }

    @Property(tries = 30)
    void aggregatesEqualTheDeduplicatedModel(@ForAll long seed,
                                             @ForAll @DoubleRange(max = 0.4) double lossRate,
                                             @ForAll @DoubleRange(max = 0.6) double resendRate,
                                             @ForAll @IntRange(max = 40) int maxDisplacement) {
        Random random = new Random(seed);
        List<Sent> sent = new ArrayList<>();
        for (String sensor : List.of("a", "b", "c")) {
            String boot = sensor + "-boot0";
            long seq = random.nextInt(3) == 0 ? random.nextInt(1000) : 0;
            int boots = 0;
            for (long t = random.nextInt(30_000); t < 4 * WINDOW; t += 500 + random.nextInt(1500)) {
                if (random.nextInt(60) == 0) { // reboot: new boot id, seq from 0
                    boot = sensor + "-boot" + (++boots);
                    seq = 0;
                }
                boolean identified = !sensor.equals("c") || random.nextInt(4) != 0; // c: some without bootId/seq
                if (random.nextDouble() >= lossRate) {
                    double temperature = Math.round(random.nextDouble() * 4000 - 2000) / 100.0;
                    sent.add(new Sent(sensor, identified ? boot : null, seq, BASE.toEpochMilli() + t, temperature));
                }
                seq++;
            }
        }
        sent.sort(java.util.Comparator.comparingLong(Sent::timeMs));
        List<Sent> arrived = new ArrayList<>();
        for (Sent s : sent) {
            arrived.add(s);
            while (random.nextDouble() < resendRate) {
                arrived.add(s);
            }
        }
        for (int i = 0; i < arrived.size(); i++) { // reorder: each swaps with one up to maxDisplacement later
            int j = Math.min(arrived.size() - 1, i + (maxDisplacement == 0 ? 0 : random.nextInt(maxDisplacement + 1)));
            Collections.swap(arrived, i, j);
        }

        CountingMetrics metrics = new CountingMetrics();
        Map<String, Expected> actual = new TreeMap<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(AggregatorTopology.build(SETTINGS,
                java.time.Clock.fixed(BASE.plusSeconds(3600), java.time.ZoneOffset.UTC), metrics),
                AggregatorTopologyTest.streamsProperties())) {
            TestInputTopic<String, String> in = driver.createInputTopic(Topics.RAW, new StringSerializer(),
                    new StringSerializer());
            TestOutputTopic<String, byte[]> out = driver.createOutputTopic(Topics.AGGREGATED, new StringDeserializer(),
                    new ByteArrayDeserializer());
            for (Sent s : arrived) {
                in.pipeInput(s.sensor(), s.json());
            }
            in.pipeInput("flush", TestReadings.reading("flush", BASE.plusSeconds(1800), 0));
            for (byte[] json : out.readValuesToList()) {
                assertThat(ContractSchemas.errors(ContractSchemas.AGGREGATE, json))
                        .as(new String(json, StandardCharsets.UTF_8)).isEmpty();
                Aggregate a = read(json);
                if (!a.sensorId().equals("flush")) {
                    actual.put(a.sensorId() + "@" + a.windowStart(), new Expected(a.count(), a.duplicates(), a.missing(),
                            Math.round(a.temperature().avg() * a.count() * 1e6) / 1e6,
                            a.temperature().min(), a.temperature().max()));
                }
            }
        }
        assertThat(actual).isEqualTo(model(arrived));
        assertThat(metrics.duplicates.get()).isEqualTo(actual.values().stream().mapToLong(Expected::duplicates).sum());
    }

    /** The same inputs through a model written for clarity, not speed. */
    static Map<String, Expected> model(List<Sent> arrived) {
        long streamTime = Long.MIN_VALUE;
        Set<String> seen = new HashSet<>();
        Map<String, List<Sent>> accepted = new LinkedHashMap<>(); // sensor@windowStart -> readings, arrival order
        Map<String, Long> duplicates = new HashMap<>();
        for (Sent s : arrived) {
            streamTime = Math.max(streamTime, s.timeMs());
            long start = s.timeMs() / WINDOW * WINDOW;
            if (start + WINDOW <= streamTime - GRACE) {
                continue; // late
            }
            String window = s.sensor() + "@" + Instant.ofEpochMilli(start);
            if (s.boot() != null && !seen.add(s.sensor() + "/" + s.boot() + "/" + s.seq())) {
                duplicates.merge(window, 1L, Long::sum);
                continue;
            }
            accepted.computeIfAbsent(window, w -> new ArrayList<>()).add(s);
        }
        // per sensor, windows in time order; previous = the last earlier window with identified readings
        Map<String, TreeMap<Long, List<Sent>>> bySensor = new TreeMap<>();
        accepted.forEach((window, readings) -> bySensor.computeIfAbsent(readings.getFirst().sensor(), k -> new TreeMap<>())
                .put(readings.getFirst().timeMs() / WINDOW * WINDOW, readings));
        Map<String, Expected> expected = new TreeMap<>();
        bySensor.forEach((sensor, windows) -> {
            Map<String, Long> previousMax = Map.of();
            for (Map.Entry<Long, List<Sent>> w : windows.entrySet()) {
                Map<String, TreeMap<Long, Boolean>> seqs = new HashMap<>();
                double sum = 0;
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (Sent s : w.getValue()) {
                    sum += s.temperature();
                    min = Math.min(min, s.temperature());
                    max = Math.max(max, s.temperature());
                    if (s.boot() != null) {
                        seqs.computeIfAbsent(s.boot(), b -> new TreeMap<>()).put(s.seq(), true);
                    }
                }
                long missing = 0;
                Map<String, Long> maxByBoot = new HashMap<>();
                for (Map.Entry<String, TreeMap<Long, Boolean>> boot : seqs.entrySet()) {
                    long lo = boot.getValue().firstKey();
                    long hi = boot.getValue().lastKey();
                    missing += hi - lo + 1 - boot.getValue().size();
                    Long before = previousMax.get(boot.getKey());
                    if (before != null && lo > before + 1) {
                        missing += lo - before - 1;
                    }
                    maxByBoot.put(boot.getKey(), hi);
                }
                if (!maxByBoot.isEmpty()) {
                    previousMax = maxByBoot;
                }
                String key = sensor + "@" + Instant.ofEpochMilli(w.getKey());
                expected.put(key, new Expected(w.getValue().size(), duplicates.getOrDefault(key, 0L), missing,
                        Math.round(sum * 1e6) / 1e6, min, max));
            }
        });
        return expected;
    }

    private static Aggregate read(byte[] json) {
        try {
            return JSON.readValue(json, Aggregate.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
