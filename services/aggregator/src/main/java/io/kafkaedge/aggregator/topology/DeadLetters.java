package io.kafkaedge.aggregator.topology;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

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
}
