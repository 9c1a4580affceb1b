package io.kafkaedge.aggregator;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.kafkaedge.aggregator.topology.PipelineMetrics;
import io.kafkaedge.aggregator.topology.Reason;

/**
 * The topology's counters as Helidon meters; in Prometheus format {@code aggregator_readings_accepted_total},
 * {@code aggregator_readings_rejected_total{reason=…}}, {@code aggregator_late_readings_dropped_total},
 * {@code aggregator_aggregates_emitted_total}. Counters, so at-least-once: a transaction that is
 * retried after a crash counts its records again. Accepted readings, counted once per reading on
 * every stream thread, go to a {@link LongAdder} read at scrape time (a functional counter): a
 * registry counter's increment cost a few per cent of the hot path.
 */
public final class MeterPipelineMetrics implements PipelineMetrics {

    private final LongAdder accepted = new LongAdder();
    private final Map<Reason, Counter> rejected = new EnumMap<>(Reason.class);
    private final Counter late;
    private final Counter emitted;

    public MeterPipelineMetrics(MeterRegistry registry) {
        registry.getOrCreate(FunctionalCounter.builder("aggregator.readings.accepted", accepted, LongAdder::sum)
                .description("Valid readings that went into a window"));
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
    }

    @Override
    public void accepted() {
        accepted.increment();
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
    public void emitted() {
        emitted.increment();
    }
}
