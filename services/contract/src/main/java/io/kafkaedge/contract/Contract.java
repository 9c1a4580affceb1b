package io.kafkaedge.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The rules of the data contract that the services enforce (the aggregator on readings, the
 * frontend on aggregates), read at class initialisation from {@code contract/reading.schema.json} —
 * the repository's {@code contract/} directory, which this module puts on the classpath. The numbers and the identifier pattern live only there; a missing or
 * changed-shape schema fails class initialisation (and so the service's start) with a message
 * naming what is missing.
 */
public final class Contract {

    /** Classpath resource of the reading schema. */
    public static final String READING_SCHEMA = "/contract/reading.schema.json";

    /** Inclusive bounds of one measurement. */
    public record Range(String field, double min, double max) {

        public boolean contains(double value) {
            return value >= min && value <= max;
        }
    }

    public static final Range TEMPERATURE;
    public static final Range HUMIDITY;
    public static final Range PRESSURE;
    public static final Range LATITUDE;
    public static final Range LONGITUDE;
    /** Largest {@code seq} (the schema's maximum: integers that survive a JSON reader's double). */
    public static final long SEQ_MAX;
    /** {@code $defs/identifier}: sensorId, bootId and site. */
    public static final Pattern IDENTIFIER;

    static {
        JsonNode schema = load();
        JsonNode properties = required(schema, "properties", READING_SCHEMA);
        TEMPERATURE = range(properties, "temperature");
        HUMIDITY = range(properties, "humidity");
        PRESSURE = range(properties, "pressure");
        LATITUDE = range(properties, "latitude");
        LONGITUDE = range(properties, "longitude");
        SEQ_MAX = required(required(properties, "seq", "properties"), "maximum", "properties.seq").asLong();
        IDENTIFIER = Pattern.compile(required(required(required(schema, "$defs", READING_SCHEMA), "identifier", "$defs"),
                "pattern", "$defs.identifier").asText());
    }

    private Contract() {
    }

    /** True when {@code text} is an identifier of the contract (letters, digits, '-', '_', '.', 1..128). */
    public static boolean isIdentifier(String text) {
        return text != null && IDENTIFIER.matcher(text).matches();
    }

    private static JsonNode load() {
        try (InputStream in = Contract.class.getResourceAsStream(READING_SCHEMA)) {
            if (in == null) {
                throw new IllegalStateException("the data contract " + READING_SCHEMA
                        + " is not on the classpath (the contract module puts the repository's contract/ directory there)");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the data contract " + READING_SCHEMA, e);
        }
    }

    private static Range range(JsonNode properties, String field) {
        JsonNode property = required(properties, field, "properties");
        return new Range(field, required(property, "minimum", "properties." + field).asDouble(),
                required(property, "maximum", "properties." + field).asDouble());
    }

    private static JsonNode required(JsonNode node, String name, String where) {
        JsonNode child = node.get(name);
        if (child == null || child.isNull()) {
            throw new IllegalStateException("the data contract " + READING_SCHEMA + " has no " + name + " in " + where);
        }
        return child;
    }
}
