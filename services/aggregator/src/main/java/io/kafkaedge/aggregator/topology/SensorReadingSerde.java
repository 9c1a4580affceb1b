package io.kafkaedge.aggregator.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the re-keying repartition topic: the id, the origin and the original bytes, which are
 * parsed again on the other side (so a dead letter written later still carries them).
 */
public final class SensorReadingSerde implements Serde<SensorReading> {

    private static final byte VERSION = 1;
    private static final ReadingParser PARSER = ReadingParser.withoutClockCheck();

    @Override
    public Serializer<SensorReading> serializer() {
        return (topic, r) -> {
            if (r == null) {
                return null;
            }
            byte[] id = r.id().getBytes(StandardCharsets.UTF_8);
            byte[] source = r.origin().topic().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + 4 + id.length + 4 + source.length + 4 + 8 + r.raw().length)
                    .put(VERSION)
                    .putInt(id.length).put(id)
                    .putInt(source.length).put(source)
                    .putInt(r.origin().partition()).putLong(r.origin().offset())
                    .put(r.raw())
                    .array();
        };
    }

    @Override
    public Deserializer<SensorReading> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != VERSION) {
                throw new SerializationException("unknown SensorReading format version " + bytes[0]);
            }
            String id = string(in);
            SensorReading.Origin origin = new SensorReading.Origin(string(in), in.getInt(), in.getLong());
            byte[] raw = new byte[in.remaining()];
            in.get(raw);
            if (!(PARSER.parse(raw) instanceof ParseResult.Valid valid)) {
                throw new SerializationException("re-keyed reading no longer parses: " + origin);
            }
            return new SensorReading(id, valid.reading(), origin, raw);
        };
    }

    private static String string(ByteBuffer in) {
        byte[] b = new byte[in.getInt()];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
