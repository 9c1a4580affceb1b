package io.kafkaedge.aggregator.topology;

/**
 * A validated raw reading (topic {@code sensor-data}; contract/reading.schema.json).
 *
 * @param sensorId    the body's {@code sensorId}, or {@code null} for the seed firmware's format
 * @param bootId      random per device boot; {@code null} when absent (then {@code seq} is too)
 * @param seq         0-based per boot; {@code null} when absent (then {@code bootId} is too)
 * @param eventTimeMs the reading's {@code timestamp} as epoch milliseconds (UTC)
 */
public record Reading(String sensorId, String bootId, Long seq, long eventTimeMs,
                      double temperature, double humidity, double pressure,
                      double latitude, double longitude) {

    /** The seed firmware's key, {@code "<lat>x<long>"}, for readings without a sensor id. */
    public String locationKey() {
        return latitude + "x" + longitude;
    }

    /** True when the reading carries its identity (bootId and seq) and can be de-duplicated. */
    public boolean identified() {
        return bootId != null;
    }
}
