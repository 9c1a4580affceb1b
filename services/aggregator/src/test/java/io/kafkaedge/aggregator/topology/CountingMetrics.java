package io.kafkaedge.aggregator.topology;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** In-memory {@link PipelineMetrics} for assertions. */
public final class CountingMetrics implements PipelineMetrics {

    public final AtomicLong accepted = new AtomicLong();
    public final AtomicLong late = new AtomicLong();
    public final AtomicLong emitted = new AtomicLong();
    public final AtomicLong duplicates = new AtomicLong();
    public final AtomicLong missing = new AtomicLong();
    public final Map<Reason, AtomicLong> rejected = new EnumMap<>(Reason.class);

    public CountingMetrics() {
        for (Reason reason : Reason.values()) {
            rejected.put(reason, new AtomicLong());
        }
    }

    @Override
    public void accepted() {
        accepted.incrementAndGet();
    }

    @Override
    public void rejected(Reason reason) {
        rejected.get(reason).incrementAndGet();
    }

    @Override
    public void late() {
        late.incrementAndGet();
    }

    @Override
    public void duplicate() {
        duplicates.incrementAndGet();
    }

    @Override
    public void emitted(Aggregate aggregate) {
        emitted.incrementAndGet();
        missing.addAndGet(aggregate.missing());
    }

    public long rejectedCount(Reason reason) {
        return rejected.get(reason).get();
    }

    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
