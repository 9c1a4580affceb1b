package io.kafkaedge.aggregator.topology;

/**
 * A validated raw reading (topic {@code sensor-data}).
 *
 * @param sensorId    the body's {@code sensorId}, or {@code null} for the seed firmware's format
 * @param seq         per-boot sequence number, or {@code null} when absent
 * @param eventTimeMs the reading's {@code timestamp} as epoch milliseconds (UTC)
 */
public record Reading(String sensorId, Long seq, long eventTimeMs,
                      double temperature, double humidity, double pressure,
                      double latitude, double longitude) {

    /** The seed firmware's key, {@code "<lat>x<long>"}, for readings without a sensor id. */
    public String locationKey() {
        return latitude + "x" + longitude;
    }
}
