package io.kafkaedge.aggregator.topology;

/**
 * The state of one sensor's open window: count, per-quantity sum/min/max, and the location of
 * the reading with the latest event time.
 */
public record WindowStats(String sensorId, long count, Stat temperature, Stat humidity, Stat pressure,
                          double latitude, double longitude, long latestEventMs) {

    public static final WindowStats EMPTY = new WindowStats(null, 0, Stat.EMPTY, Stat.EMPTY, Stat.EMPTY,
            Double.NaN, Double.NaN, Long.MIN_VALUE);

    public WindowStats add(SensorReading sensorReading) {
        Reading r = sensorReading.reading();
        boolean latest = r.eventTimeMs() >= latestEventMs;
        return new WindowStats(sensorReading.id(), count + 1,
                temperature.add(r.temperature()), humidity.add(r.humidity()), pressure.add(r.pressure()),
                latest ? r.latitude() : latitude, latest ? r.longitude() : longitude,
                Math.max(latestEventMs, r.eventTimeMs()));
    }
}
