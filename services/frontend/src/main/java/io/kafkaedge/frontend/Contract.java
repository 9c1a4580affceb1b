package io.kafkaedge.frontend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The facts of the data contract ({@code contract/*.schema.json}, copied onto the classpath by the
 * build) that the frontend checks: the identifier rule and the physical ranges. Read from the
 * schemas, so they are defined once.
 */
final class Contract {

    /** {@code sensorId}, {@code site}: letters, digits, {@code - _ .}, 1..128 characters. */
    static final Pattern IDENTIFIER;
    static final Range TEMPERATURE;
    static final Range HUMIDITY;
    static final Range PRESSURE;
    static final Range LATITUDE;
    static final Range LONGITUDE;

    /** An inclusive range of a quantity. */
    record Range(String name, double min, double max) {
        boolean contains(double v) {
            return v >= min && v <= max;
        }
    }

    static {
        JsonNode reading = load("contract/reading.schema.json");
        IDENTIFIER = Pattern.compile(reading.at("/$defs/identifier/pattern").asText());
        JsonNode p = reading.get("properties");
        TEMPERATURE = range(p, "temperature");
        HUMIDITY = range(p, "humidity");
        PRESSURE = range(p, "pressure");
        LATITUDE = range(p, "latitude");
        LONGITUDE = range(p, "longitude");
    }

    private Contract() {
    }

    /** Whether {@code s} follows the contract's identifier rule. */
    static boolean identifier(String s) {
        return IDENTIFIER.matcher(s).matches();
    }

    private static Range range(JsonNode properties, String name) {
        JsonNode n = properties.get(name);
        if (n == null || !n.has("minimum") || !n.has("maximum")) {
            throw new IllegalStateException("contract/reading.schema.json has no range for " + name);
        }
        return new Range(name, n.get("minimum").asDouble(), n.get("maximum").asDouble());
    }

    private static JsonNode load(String resource) {
        try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath (see the frontend's pom)");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
