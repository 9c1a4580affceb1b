package io.kafkaedge.aggregator.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Gives a valid reading its aggregation id — {@code sensorId}, else the record key (the seed
 * firmware keys by {@code "<lat>x<long>"}), else {@code "<lat>x<long>"} from the body — and, for
 * the re-keying path, notes where it came from.
 */
final class Identify implements FixedKeyProcessor<Bytes, ParseResult, SensorReading> {

    private FixedKeyProcessorContext<Bytes, SensorReading> context;

    @Override
    public void init(FixedKeyProcessorContext<Bytes, SensorReading> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<Bytes, ParseResult> record) {
        ParseResult.Valid valid = (ParseResult.Valid) record.value();
        SensorReading.Origin origin = context.recordMetadata()
                .map(m -> new SensorReading.Origin(m.topic(), m.partition(), m.offset()))
                .orElse(SensorReading.Origin.UNKNOWN);
        context.forward(record.withValue(new SensorReading(id(record.key(), valid.reading()), valid.reading(), origin,
                valid.raw())));
    }

    /** The aggregation id of {@code reading} under record key {@code key}. */
    static String id(Bytes key, Reading reading) {
        return reading.sensorId() != null ? reading.sensorId()
                : hasKey(key) ? new String(key.get(), StandardCharsets.UTF_8)
                : reading.locationKey();
    }

    static boolean hasKey(Bytes key) {
        return key != null && key.get().length > 0;
    }

    /** True when the record key already is the id's UTF-8 bytes, so no re-keying is needed. */
    static boolean keyedById(Bytes key, Reading reading) {
        if (!hasKey(key)) {
            return false;
        }
        String id = reading.sensorId();
        byte[] k = key.get();
        if (id == null) { // the key is the id, if it survives decoding (valid UTF-8)
            return Arrays.equals(k, new String(k, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        }
        if (k.length == id.length()) { // compare without encoding when the id is ASCII
            boolean ascii = true;
            for (int i = 0; i < k.length && ascii; i++) {
                char c = id.charAt(i);
                if (c >= 0x80) {
                    ascii = false;
                } else if (k[i] != c) {
                    return false;
                }
            }
            if (ascii) {
                return true;
            }
        }
        return Arrays.equals(k, id.getBytes(StandardCharsets.UTF_8));
    }
}
