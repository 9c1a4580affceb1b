package io.kafkaedge.aggregator.topology;

/** Running sum, minimum and maximum of one measured quantity within a window. */
public record Stat(double sum, double min, double max) {

    public static final Stat EMPTY = new Stat(0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);

    public Stat add(double value) {
        return new Stat(sum + value, Math.min(min, value), Math.max(max, value));
    }
}
