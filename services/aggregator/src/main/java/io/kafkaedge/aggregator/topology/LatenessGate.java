package io.kafkaedge.aggregator.topology;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Marks readings whose window has already closed, with exactly the rule of Kafka Streams' window
 * aggregation (which sits right behind it in the same task and sees the same records): stream
 * time is the largest event time seen, and a window closes once stream time reaches
 * {@code windowEnd + grace}. Late readings are counted and dead-lettered instead of being dropped
 * silently; everything else is counted as accepted.
 */
final class LatenessGate implements FixedKeyProcessor<Bytes, SensorReading, LatenessGate.Gated> {

    /** A reading and whether it came too late for its window. */
    record Gated(SensorReading reading, boolean late) {
    }

    private final long windowMs;
    private final long graceMs;
    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<Bytes, Gated> context;
    private long observedStreamTime = Long.MIN_VALUE;

    LatenessGate(long windowMs, long graceMs, PipelineMetrics metrics) {
        this.windowMs = windowMs;
        this.graceMs = graceMs;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<Bytes, Gated> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<Bytes, SensorReading> record) {
        long timestamp = record.timestamp();
        observedStreamTime = Math.max(observedStreamTime, timestamp);
        long windowEnd = timestamp - timestamp % windowMs + windowMs;
        boolean late = windowEnd <= observedStreamTime - graceMs;
        if (late) {
            metrics.late();
        } else {
            metrics.accepted();
        }
        context.forward(record.withValue(new Gated(record.value(), late)));
    }
}
