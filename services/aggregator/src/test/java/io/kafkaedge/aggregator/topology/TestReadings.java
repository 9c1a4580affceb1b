package io.kafkaedge.aggregator.topology;

import java.time.Instant;
import java.util.Locale;

/** JSON readings in the contract's format and in the seed firmware's. */
public final class TestReadings {

    public static final double LATITUDE = 50.0755;
    public static final double LONGITUDE = 14.4378;
    /** The boot of the readings that do not name one. */
    public static final String BOOT = "9f3a61c2";

    private TestReadings() {
    }

    /** A contract reading ({@code sensorId}, {@code bootId}, {@code seq}, ISO-8601 UTC timestamp). */
    public static String reading(String sensorId, String bootId, long seq, Instant time, double temperature,
                                 double humidity, double pressure) {
        return String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"bootId\":\"%s\",\"seq\":%d,\"timestamp\":\"%s\","
                        + "\"temperature\":%s,\"humidity\":%s,\"pressure\":%s,\"latitude\":%s,\"longitude\":%s}",
                sensorId, bootId, seq, time, temperature, humidity, pressure, LATITUDE, LONGITUDE);
    }

    public static String reading(String sensorId, long seq, Instant time, double temperature, double humidity,
                                 double pressure) {
        return reading(sensorId, BOOT, seq, time, temperature, humidity, pressure);
    }

    /** A reading of boot {@code bootId} with number {@code seq}. */
    public static String reading(String sensorId, String bootId, long seq, Instant time, double temperature) {
        return reading(sensorId, bootId, seq, time, temperature, 50.0, 1000.0);
    }

    /** A contract reading without bootId and seq (never de-duplicated). */
    public static String reading(String sensorId, Instant time, double temperature) {
        return String.format(Locale.ROOT, "{\"sensorId\":\"%s\",\"timestamp\":\"%s\","
                        + "\"temperature\":%s,\"humidity\":50.0,\"pressure\":1000.0,\"latitude\":%s,\"longitude\":%s}",
                sensorId, time, temperature, LATITUDE, LONGITUDE);
    }

    /** The seed firmware's body: no sensorId, no seq, {@code "yyyy-MM-dd HH:mm:ss"} UTC. */
    public static String seedReading(String timestamp, double temperature, double latitude, double longitude) {
        return String.format(Locale.ROOT, "{\"temperature\":%s,\"timestamp\":\"%s\",\"longitude\":%s,"
                + "\"humidity\":54.87,\"pressure\":981.59,\"latitude\":%s}", temperature, timestamp, longitude, latitude);
    }
}
