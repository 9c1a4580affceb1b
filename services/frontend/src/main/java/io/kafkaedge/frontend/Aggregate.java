package io.kafkaedge.frontend;

import java.time.Instant;

/**
 * One closed window of one sensor, as the edge aggregator emits it (contract in DESIGN.md), with
 * the site resolved (the record's {@code site}, else the MirrorMaker 2 topic prefix).
 */
public record Aggregate(String sensorId, String site, Instant windowStart, Instant windowEnd, long count,
                        Stats temperature, Stats humidity, Stats pressure, double latitude, double longitude) {

    /** Average, minimum and maximum of one quantity over the window. */
    public record Stats(double avg, double min, double max) {
    }
}
