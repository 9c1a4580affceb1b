package io.kafkaedge.aggregator.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary form of {@link WindowStats} for the window store, its changelog and the suppress
 * buffer (read and written on every update, so no JSON here). Starts with a format version.
 */
public final class WindowStatsSerde implements Serde<WindowStats> {

    private static final byte VERSION = 1;
    private static final int FIXED = 1 + 4 + 8 + 9 * 8 + 2 * 8 + 8;

    @Override
    public Serializer<WindowStats> serializer() {
        return (topic, s) -> {
            if (s == null) {
                return null;
            }
            byte[] id = s.sensorId() == null ? new byte[0] : s.sensorId().getBytes(StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.allocate(FIXED + id.length)
                    .put(VERSION)
                    .putInt(id.length).put(id)
                    .putLong(s.count());
            put(out, s.temperature());
            put(out, s.humidity());
            put(out, s.pressure());
            return out.putDouble(s.latitude()).putDouble(s.longitude()).putLong(s.latestEventMs()).array();
        };
    }

    @Override
    public Deserializer<WindowStats> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != VERSION) {
                throw new SerializationException("unknown WindowStats format version " + bytes[0]);
            }
            byte[] id = new byte[in.getInt()];
            in.get(id);
            return new WindowStats(id.length == 0 ? null : new String(id, StandardCharsets.UTF_8), in.getLong(),
                    stat(in), stat(in), stat(in), in.getDouble(), in.getDouble(), in.getLong());
        };
    }

    private static void put(ByteBuffer out, Stat stat) {
        out.putDouble(stat.sum()).putDouble(stat.min()).putDouble(stat.max());
    }

    private static Stat stat(ByteBuffer in) {
        return new Stat(in.getDouble(), in.getDouble(), in.getDouble());
    }
}
