package io.kafkaedge.aggregator.topology;

/** What the topology counts; the service binds it to Prometheus meters. */
public interface PipelineMetrics {

    /** A reading went into a window. */
    void accepted();

    /** A repeat of an aggregated (sensorId, bootId, seq) was dropped (not dead-lettered). */
    void duplicate();

    /** A reading went to the dead-letter topic for {@code reason} (not {@link Reason#LATE}). */
    void rejected(Reason reason);

    /** A valid reading arrived after its window closed; it went to the dead-letter topic. */
    void late();

    /** An aggregate was written. */
    void emitted(Aggregate aggregate);

    /** Counts nothing. */
    PipelineMetrics NONE = new PipelineMetrics() {
        @Override
        public void accepted() {
        }

        @Override
        public void duplicate() {
        }

        @Override
        public void rejected(Reason reason) {
        }

        @Override
        public void late() {
        }

        @Override
        public void emitted(Aggregate aggregate) {
        }
    };
}
