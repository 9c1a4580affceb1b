package io.kafkaedge.aggregator.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Dead letters: the original key and value bytes, the original headers, and {@code dlq.*} headers
 * naming the reason and the source topic, partition and offset.
 */
final class DeadLetters {

    private DeadLetters() {
    }

    static Headers headers(Headers original, Reason reason, String detail, SensorReading.Origin origin) {
        RecordHeaders headers = new RecordHeaders(original.toArray());
        headers.add(Topics.HEADER_REASON, utf8(reason.code()));
        headers.add(Topics.HEADER_DETAIL, utf8(detail));
        headers.add(Topics.HEADER_SOURCE_TOPIC, utf8(origin.topic()));
        headers.add(Topics.HEADER_SOURCE_PARTITION, utf8(Integer.toString(origin.partition())));
        headers.add(Topics.HEADER_SOURCE_OFFSET, utf8(Long.toString(origin.offset())));
        return headers;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Records the deserializer rejected. */
    static final class Rejected implements FixedKeyProcessor<Bytes, ParseResult, byte[]> {

        private final PipelineMetrics metrics;
        private FixedKeyProcessorContext<Bytes, byte[]> context;

        Rejected(PipelineMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void init(FixedKeyProcessorContext<Bytes, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<Bytes, ParseResult> record) {
            ParseResult.Rejected rejected = (ParseResult.Rejected) record.value();
            SensorReading.Origin origin = context.recordMetadata()
                    .map(m -> new SensorReading.Origin(m.topic(), m.partition(), m.offset()))
                    .orElse(SensorReading.Origin.UNKNOWN);
            metrics.rejected(rejected.reason());
            context.forward(record
                    .withHeaders(headers(record.headers(), rejected.reason(), rejected.detail(), origin))
                    .withValue(rejected.raw()));
        }
    }

    /** Valid readings that arrived after their window closed (counted by {@link LatenessGate}). */
    static final class Late implements FixedKeyProcessor<Bytes, LatenessGate.Gated, byte[]> {

        private final long windowMs;
        private final long graceMs;
        private FixedKeyProcessorContext<Bytes, byte[]> context;

        Late(long windowMs, long graceMs) {
            this.windowMs = windowMs;
            this.graceMs = graceMs;
        }

        @Override
        public void init(FixedKeyProcessorContext<Bytes, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<Bytes, LatenessGate.Gated> record) {
            SensorReading reading = record.value().reading();
            long start = record.timestamp() - record.timestamp() % windowMs;
            String detail = "window [" + Instant.ofEpochMilli(start) + ", "
                    + Instant.ofEpochMilli(start + windowMs) + ") closed (grace " + graceMs + " ms)";
            context.forward(record
                    .withHeaders(headers(record.headers(), Reason.LATE, detail, reading.origin()))
                    .withValue(reading.raw()));
        }
    }
}
