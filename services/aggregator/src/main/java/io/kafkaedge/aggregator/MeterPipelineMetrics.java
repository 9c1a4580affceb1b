package io.kafkaedge.aggregator;

import java.util.EnumMap;
import java.util.Map;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.kafkaedge.aggregator.topology.Aggregate;
import io.kafkaedge.aggregator.topology.PipelineMetrics;
import io.kafkaedge.aggregator.topology.Reason;

/**
 * The topology's counters as Helidon meters; in Prometheus format
 * {@code aggregator_readings_accepted_total}, {@code aggregator_readings_duplicate_total},
 * {@code aggregator_readings_rejected_total{reason=…}}, {@code aggregator_late_readings_dropped_total},
 * {@code aggregator_aggregates_emitted_total} and {@code aggregator_readings_missing_total} (the sum
 * of the emitted aggregates' {@code missing}). Counters, so at-least-once: a transaction that is
 * retried after a crash counts its records again (the aggregates themselves count exactly once).
 */
public final class MeterPipelineMetrics implements PipelineMetrics {

    private final Counter accepted;
    private final Counter duplicate;
    private final Map<Reason, Counter> rejected = new EnumMap<>(Reason.class);
    private final Counter late;
    private final Counter emitted;
    private final Counter missing;

    public MeterPipelineMetrics(MeterRegistry registry) {
        accepted = registry.getOrCreate(Counter.builder("aggregator.readings.accepted")
                .description("Valid readings that went into a window"));
        duplicate = registry.getOrCreate(Counter.builder("aggregator.readings.duplicate")
                .description("Repeats of an already aggregated (sensorId, bootId, seq), dropped"));
        for (Reason reason : Reason.values()) {
            if (reason != Reason.LATE) {
                rejected.put(reason, registry.getOrCreate(Counter.builder("aggregator.readings.rejected")
                        .addTag(Tag.create("reason", reason.code()))
                        .description("Readings sent to the dead-letter topic, by reason")));
            }
        }
        late = registry.getOrCreate(Counter.builder("aggregator.late.readings.dropped")
                .description("Valid readings that arrived after their window closed (sent to the dead-letter topic)"));
        emitted = registry.getOrCreate(Counter.builder("aggregator.aggregates.emitted")
                .description("Aggregates written for closed windows"));
        missing = registry.getOrCreate(Counter.builder("aggregator.readings.missing")
                .description("Readings known lost (seq gaps), summed over the emitted aggregates"));
    }

    @Override
    public void accepted() {
        accepted.increment();
    }

    @Override
    public void duplicate() {
        duplicate.increment();
    }

    @Override
    public void rejected(Reason reason) {
        rejected.get(reason).increment();
    }

    @Override
    public void late() {
        late.increment();
    }

    @Override
    public void emitted(Aggregate aggregate) {
        emitted.increment();
        missing.increment(aggregate.missing());
    }
}
