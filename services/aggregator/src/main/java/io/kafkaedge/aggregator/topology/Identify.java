package io.kafkaedge.aggregator.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Gives a valid reading its aggregation id — {@code sensorId}, else the record key (the seed
 * firmware keys by {@code "<lat>x<long>"}), else {@code "<lat>x<long>"} from the body — and notes
 * where it came from.
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
        Reading reading = valid.reading();
        String id = reading.sensorId() != null ? reading.sensorId()
                : hasKey(record.key()) ? new String(record.key().get(), StandardCharsets.UTF_8)
                : reading.locationKey();
        SensorReading.Origin origin = context.recordMetadata()
                .map(m -> new SensorReading.Origin(m.topic(), m.partition(), m.offset()))
                .orElse(SensorReading.Origin.UNKNOWN);
        context.forward(record.withValue(new SensorReading(id, reading, origin, valid.raw())));
    }

    static boolean hasKey(Bytes key) {
        return key != null && key.get().length > 0;
    }

    /** True when the record key already is the id's UTF-8 bytes, so no re-keying is needed. */
    static boolean keyedById(Bytes key, SensorReading reading) {
        return hasKey(key) && Arrays.equals(key.get(), reading.id().getBytes(StandardCharsets.UTF_8));
    }
}
