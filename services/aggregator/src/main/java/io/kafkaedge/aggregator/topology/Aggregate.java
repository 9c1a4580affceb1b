package io.kafkaedge.aggregator.topology;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One sensor's closed window, topic {@code sensor-data-aggregated} (contract in DESIGN.md). */
@JsonPropertyOrder({"sensorId", "site", "windowStart", "windowEnd", "count",
        "temperature", "humidity", "pressure", "latitude", "longitude"})
public record Aggregate(String sensorId, String site, String windowStart, String windowEnd, long count,
                        Summary temperature, Summary humidity, Summary pressure,
                        double latitude, double longitude) {

    /** Average, minimum and maximum of one quantity. */
    @JsonPropertyOrder({"avg", "min", "max"})
    public record Summary(double avg, double min, double max) {

    }

}
