package io.kafkaedge.aggregator.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.kafkaedge.aggregator.topology.JsonSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Benchmark helper (not a test), run in its own JVM with the aggregator's JVM flags: the seed
 * project's design on the same data — Kafka Streams DSL, Jackson databind into a record,
 * {@code groupByKey().windowedBy(1 minute).aggregate(...)} of averages, default settings apart from
 * {@code exactly_once_v2} (one stream thread, Streams' default commit interval and record cache,
 * record timestamps, no validation, no dead letters, no de-duplication). It is the peer the
 * aggregator is compared with, not a model of the aggregator.
 * <pre>
 * SeedPeer BOOTSTRAP TOPIC RECORDS STATE_DIR
 * </pre>
 * Prints {@code RESULT seed_peer_readings_per_s} (first record → last record aggregated) and
 * {@code RESULT seed_peer_cpu_us_per_reading}.
 */
public final class SeedPeer {

    /** The seed's reading (fields newer firmware adds, such as bootId and seq, are ignored). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SeedReading(String sensorId, String timestamp, double temperature, double humidity, double pressure,
                              double latitude, double longitude) {
    }

    /** The seed's running average. */
    public record SeedAverage(long count, double temperatureSum, double humiditySum, double pressureSum,
                              double latitude, double longitude) {
        SeedAverage add(SeedReading r) {
            return new SeedAverage(count + 1, temperatureSum + r.temperature(), humiditySum + r.humidity(),
                    pressureSum + r.pressure(), r.latitude(), r.longitude());
        }
    }

    private SeedPeer() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        long expected = Long.parseLong(args[2]);
        Path stateDir = Path.of(args[3]);

        Properties p = AggregatorBench.streamsProperties("bench-seed-peer", bootstrap, stateDir);

        LongAdder aggregated = new LongAdder();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), new JsonSerde<>(SeedReading.class)))
                .groupByKey(Grouped.with(Serdes.String(), new JsonSerde<>(SeedReading.class)))
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMinutes(1)))
                .aggregate(() -> new SeedAverage(0, 0, 0, 0, 0, 0), (key, reading, average) -> {
                    aggregated.increment();
                    return average.add(reading);
                }, Materialized.<String, SeedAverage, WindowStore<Bytes, byte[]>>as("seed-averages")
                        .withKeySerde(Serdes.String()).withValueSerde(new JsonSerde<>(SeedAverage.class)))
                .toStream((window, average) -> window.key() + "@" + window.window().startTime())
                .to(topic + "-seed-peer-out", Produced.with(Serdes.String(), new JsonSerde<>(SeedAverage.class)));
        AggregatorBench.timeStreams(builder.build(), p, aggregated, expected, Duration.ofMinutes(8), "seed_peer");
    }
}
