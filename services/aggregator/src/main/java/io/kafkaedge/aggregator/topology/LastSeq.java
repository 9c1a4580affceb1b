package io.kafkaedge.aggregator.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Value of the per-sensor store {@link Topics#LAST_SEQ_STORE}: the largest seq of each boot in the
 * sensor's last emitted window — what the next window's gap is counted from. Only the boots of that
 * one window are kept, so the entry stays small (a new bootId is a reboot: the old one never returns).
 */
final class LastSeq {

    private static final byte VERSION = 1;

    private LastSeq() {
    }

    static byte[] encode(Map<String, Long> maxByBoot) {
        int size = 1 + 4;
        for (String boot : maxByBoot.keySet()) {
            size += 4 + boot.getBytes(StandardCharsets.UTF_8).length + 8;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION).putInt(maxByBoot.size());
        maxByBoot.forEach((boot, max) -> {
            byte[] id = boot.getBytes(StandardCharsets.UTF_8);
            out.putInt(id.length).put(id).putLong(max);
        });
        return out.array();
    }

    static Map<String, Long> decode(byte[] value) {
        if (value == null) {
            return Map.of();
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        if (value.length < 5 || in.get() != VERSION) {
            throw new SerializationException("unknown last-seq state format (" + value.length + " bytes)");
        }
        int n = in.getInt();
        Map<String, Long> max = new HashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] id = new byte[in.getInt()];
            in.get(id);
            max.put(new String(id, StandardCharsets.UTF_8), in.getLong());
        }
        return max;
    }
}
