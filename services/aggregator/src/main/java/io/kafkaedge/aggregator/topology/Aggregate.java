package io.kafkaedge.aggregator.topology;

import java.time.Instant;

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

        static Summary of(Stat stat, long count) {
            return new Summary(stat.sum() / count, stat.min(), stat.max());
        }
    }

    static Aggregate of(String site, long windowStartMs, long windowEndMs, WindowStats stats) {
        return new Aggregate(stats.sensorId(), site,
                Instant.ofEpochMilli(windowStartMs).toString(), Instant.ofEpochMilli(windowEndMs).toString(),
                stats.count(),
                Summary.of(stats.temperature(), stats.count()),
                Summary.of(stats.humidity(), stats.count()),
                Summary.of(stats.pressure(), stats.count()),
                stats.latitude(), stats.longitude());
    }
}
