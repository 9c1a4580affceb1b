package io.kafkaedge.aggregator.topology;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Dead letters: the original key and value bytes, the original headers, and {@code dlq.*} headers
 * naming the reason and the source topic, partition and offset.
 */
final class DeadLetters {

    private DeadLetters() {
    }

    /** The dead letter of {@code record}: same key and timestamp, value {@code raw}, headers copied and added to. */
    static <K> Record<K, Emitted> of(Record<K, ?> record, byte[] raw, Reason reason, String detail,
                                     SensorReading.Origin origin) {
        Record<K, Emitted> dead = new Record<>(record.key(), Emitted.deadLetter(raw), record.timestamp());
        Headers headers = dead.headers();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        headers.add(Topics.HEADER_REASON, utf8(reason.code()));
        headers.add(Topics.HEADER_DETAIL, utf8(detail));
        headers.add(Topics.HEADER_SOURCE_TOPIC, utf8(origin.topic()));
        headers.add(Topics.HEADER_SOURCE_PARTITION, utf8(Integer.toString(origin.partition())));
        headers.add(Topics.HEADER_SOURCE_OFFSET, utf8(Long.toString(origin.offset())));
        return dead;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
