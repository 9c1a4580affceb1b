package io.kafkaedge.aggregator.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Benchmark helper (not a test), run in its own JVM with the aggregator's JVM flags: a Kafka
 * Streams application with the aggregator's engine settings (exactly-once v2, three stream threads,
 * 1 s commits) whose only processor counts records — it parses nothing, keeps no state and writes
 * nothing. Its rate is the ceiling of any Kafka Streams topology on this machine, next to the plain
 * consumer's ceiling.
 * <pre>
 * StreamsPassThrough BOOTSTRAP TOPIC RECORDS STATE_DIR
 * </pre>
 * Prints {@code RESULT passthrough_readings_per_s} (first record → last record processed) and
 * {@code RESULT passthrough_cpu_us_per_reading}.
 */
public final class StreamsPassThrough {

    private StreamsPassThrough() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        long expected = Long.parseLong(args[2]);
        Path stateDir = Path.of(args[3]);

        Properties p = AggregatorBench.streamsProperties("bench-passthrough", bootstrap, stateDir);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "3");
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");

        LongAdder processed = new LongAdder();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new Processor<byte[], byte[], Void, Void>() {
                    @Override
                    public void process(Record<byte[], byte[]> record) {
                        processed.increment();
                    }
                });
        AggregatorBench.timeStreams(builder.build(), p, processed, expected, Duration.ofMinutes(5), "passthrough");
    }
}
