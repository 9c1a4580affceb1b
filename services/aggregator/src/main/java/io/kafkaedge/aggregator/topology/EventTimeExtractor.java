package io.kafkaedge.aggregator.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of a reading: its {@code timestamp} field, as parsed by {@link ReadingSerde}.
 * A rejected record keeps the record's own timestamp (so its dead letter does not expire at
 * once) and never reaches a window, so it cannot move the windows' stream time.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof ParseResult.Valid valid) {
            return valid.reading().eventTimeMs();
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
    }
}
