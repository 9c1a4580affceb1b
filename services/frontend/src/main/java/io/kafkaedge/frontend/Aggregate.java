package io.kafkaedge.frontend;

import java.time.Instant;

/**
 * One closed window of one sensor as the edge aggregator emits it (contract:
 * {@code contract/aggregate.schema.json}), with the site resolved (the record's {@code site}, else the
 * MirrorMaker 2 topic prefix).
 *
 * <p>{@code duplicates} and {@code missing} are {@code null} for aggregates of an aggregator that
 * predates them: completeness is then unknown, not 100 %.
 */
public record Aggregate(String sensorId, String site, Instant windowStart, Instant windowEnd, long count,
                        Long duplicates, Long missing, Stats temperature, Stats humidity, Stats pressure,
                        double latitude, double longitude) {

    /** Average, minimum and maximum of one quantity over the window. */
    public record Stats(double avg, double min, double max) {
    }

    /** {@code count / (count + missing)} of this window, or {@code null} when {@code missing} is unknown. */
    public Double completeness() {
        return missing == null ? null : ratio(count, missing);
    }

    /** {@code count / (count + missing)}; 1 when both are 0. */
    static double ratio(long count, long missing) {
        long all = count + missing;
        return all == 0 ? 1.0 : (double) count / all;
    }
}
