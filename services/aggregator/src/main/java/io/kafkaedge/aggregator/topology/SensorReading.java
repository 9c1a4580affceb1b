package io.kafkaedge.aggregator.topology;

/**
 * A valid reading on its way to a window, with what a dead letter would need.
 *
 * @param id      the aggregation key: {@code sensorId}, else the record key, else {@code "<lat>x<long>"}
 * @param origin  where it was read from {@code sensor-data}
 * @param raw     the original record value
 */
public record SensorReading(String id, Reading reading, Origin origin, byte[] raw) {

    /** Source coordinates of a record in the raw topic. */
    public record Origin(String topic, int partition, long offset) {

        static final Origin UNKNOWN = new Origin("", -1, -1);
    }
}
