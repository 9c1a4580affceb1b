package io.kafkaedge.aggregator.topology;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One sensor's closed window, topic {@code sensor-data-aggregated}; the contract is
 * contract/aggregate.schema.json (Jackson writes exactly these fields, in this order).
 *
 * @param count      distinct readings aggregated
 * @param duplicates repeats of an aggregated (sensorId, bootId, seq) that were dropped
 * @param missing    readings known lost: seq gaps of a boot inside the window and since its previous window
 */
@JsonPropertyOrder({"sensorId", "site", "windowStart", "windowEnd", "count", "duplicates", "missing",
        "temperature", "humidity", "pressure", "latitude", "longitude"})
public record Aggregate(String sensorId, String site, String windowStart, String windowEnd,
                        long count, long duplicates, long missing,
                        Summary temperature, Summary humidity, Summary pressure,
                        double latitude, double longitude) {

    /** Average, minimum and maximum of one quantity. */
    @JsonPropertyOrder({"avg", "min", "max"})
    public record Summary(double avg, double min, double max) {

    }
}
