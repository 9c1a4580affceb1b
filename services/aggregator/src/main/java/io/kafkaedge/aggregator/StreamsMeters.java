package io.kafkaedge.aggregator;

import java.util.Map;
import java.util.function.Predicate;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Gauges read from Kafka Streams on each scrape:
 * <ul>
 *   <li>{@code aggregator_streams_state{state="…"}}: 1 for the current state, 0 for the others;</li>
 *   <li>{@code aggregator_consumer_lag}: records behind the end of the input partitions, summed
 *       over the partitions this instance owns (main consumer {@code records-lag});</li>
 *   <li>{@code aggregator_process_rate}: records processed per second, summed over stream
 *       threads ({@code process-rate}).</li>
 * </ul>
 */
final class StreamsMeters {

    private StreamsMeters() {
    }

    static void register(MeterRegistry registry, AggregatorStreams streams) {
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            registry.getOrCreate(Gauge.builder("aggregator.streams.state",
                            () -> streams.state() == state ? 1 : 0)
                    .addTag(Tag.create("state", state.name()))
                    .description("Kafka Streams state: 1 for the current one"));
        }
        registry.getOrCreate(Gauge.builder("aggregator.consumer.lag",
                        () -> sum(streams, name -> name.group().equals("consumer-fetch-manager-metrics")
                                && name.name().equals("records-lag")
                                && name.tags().containsKey("partition")
                                && !name.tags().getOrDefault("client-id", "").endsWith("restore-consumer")))
                .description("Records behind the end of the input partitions (sum over partitions)"));
        registry.getOrCreate(Gauge.builder("aggregator.process.rate",
                        () -> sum(streams, name -> name.group().equals("stream-thread-metrics")
                                && name.name().equals("process-rate")))
                .description("Records processed per second (sum over stream threads)"));
    }

    static double sum(AggregatorStreams streams, Predicate<MetricName> which) {
        return streams.kafkaStreams().map(kafkaStreams -> {
            double total = 0;
            for (Map.Entry<MetricName, ? extends Metric> entry : kafkaStreams.metrics().entrySet()) {
                if (which.test(entry.getKey()) && entry.getValue().metricValue() instanceof Double value
                        && Double.isFinite(value)) {
                    total += value;
                }
            }
            return total;
        }).orElse(0.0);
    }
}
