package io.kafkaedge.frontend;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.kafkaedge.contract.Contract;

/**
 * Turns record bytes into an {@link Aggregate} or says precisely why it cannot, per
 * {@code contract/aggregate.schema.json}: Jackson's streaming parser (no data binding: the rebuild
 * reads millions of records), {@link Instant#parse} for the windows. Unknown fields are ignored.
 *
 * <p>{@code duplicates} and {@code missing} may be absent (an aggregator older than them): the
 * aggregate is accepted with completeness unknown. Identifiers longer than the contract allows are
 * rejected; identifiers with characters outside its set are accepted and shown as text (see
 * {@link #conforming(Aggregate)}).
 */
public final class AggregateParser {

    /** The edge topic name; MirrorMaker 2 prefixes it with the source site's alias. */
    public static final String TOPIC_SUFFIX = "sensor-data-aggregated";

    private static final String DOT_SUFFIX = "." + TOPIC_SUFFIX;
    private static final int MAX_IDENTIFIER = 128;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    /** Why a record was rejected; the names match the aggregator's rejection reasons. */
    public enum Reason { NOT_JSON, INVALID_FIELD, MISSING_FIELD, OUT_OF_RANGE, BAD_TIMESTAMP }

    /** A record that is not an aggregate. */
    public static final class MalformedAggregateException extends Exception {
        private final Reason reason;

        MalformedAggregateException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    /** Fields as read, boxed so that a missing one is told apart from a zero. */
    private static final class Wire {
        String sensorId;
        String site;
        String windowStart;
        String windowEnd;
        Long count;
        Long duplicates;
        Long missing;
        Double[] temperature;
        Double[] humidity;
        Double[] pressure;
        Double latitude;
        Double longitude;
    }

    private AggregateParser() {
    }

    /** Parses one record value read from {@code topic}. */
    public static Aggregate parse(String topic, byte[] value) throws MalformedAggregateException {
        if (value == null || value.length == 0) {
            throw new MalformedAggregateException(Reason.NOT_JSON, "empty value");
        }
        Wire w = new Wire();
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedAggregateException(Reason.NOT_JSON, "not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                switch (field) {
                    case "sensorId" -> w.sensorId = text(p, token, field);
                    case "site" -> w.site = token == JsonToken.VALUE_NULL ? null : text(p, token, field);
                    case "windowStart" -> w.windowStart = text(p, token, field);
                    case "windowEnd" -> w.windowEnd = text(p, token, field);
                    case "count" -> w.count = integer(p, token, field);
                    case "duplicates" -> w.duplicates = integer(p, token, field);
                    case "missing" -> w.missing = integer(p, token, field);
                    case "temperature" -> w.temperature = stats(p, token, field);
                    case "humidity" -> w.humidity = stats(p, token, field);
                    case "pressure" -> w.pressure = stats(p, token, field);
                    case "latitude" -> w.latitude = number(p, token, field);
                    case "longitude" -> w.longitude = number(p, token, field);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new MalformedAggregateException(Reason.NOT_JSON, "unterminated object");
            }
        } catch (JsonProcessingException e) {
            throw new MalformedAggregateException(Reason.NOT_JSON, e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedAggregateException(Reason.NOT_JSON, e.getMessage());
        }
        return validate(topic, w);
    }

    /** Whether sensor id and site follow the contract's identifier rule (else they are shown literally, and counted). */
    public static boolean conforming(Aggregate a) {
        return Contract.isIdentifier(a.sensorId()) && Contract.isIdentifier(a.site());
    }

    /**
     * The site MirrorMaker 2's default replication policy encodes in the topic name
     * ({@code prague.sensor-data-aggregated} → {@code prague}); {@code unknown} without a prefix.
     */
    public static String siteFromTopic(String topic) {
        int dot = topic.indexOf('.');
        if (dot <= 0 || !topic.endsWith(DOT_SUFFIX)) {
            return "unknown";
        }
        return topic.substring(0, dot);
    }

    private static Aggregate validate(String topic, Wire w) throws MalformedAggregateException {
        String sensorId = identifier("sensorId", required("sensorId", w.sensorId));
        String site = w.site != null && !w.site.isBlank() ? identifier("site", w.site) : siteFromTopic(topic);
        Instant start = instant("windowStart", w.windowStart);
        Instant end = instant("windowEnd", w.windowEnd);
        if (!end.isAfter(start)) {
            throw new MalformedAggregateException(Reason.OUT_OF_RANGE, "windowEnd must be after windowStart");
        }
        long count = required("count", w.count);
        if (count < 1) {
            throw new MalformedAggregateException(Reason.OUT_OF_RANGE, "count must be at least 1");
        }
        notNegative("duplicates", w.duplicates);
        notNegative("missing", w.missing);
        double lat = range(Contract.LATITUDE, required("latitude", w.latitude));
        double lon = range(Contract.LONGITUDE, required("longitude", w.longitude));
        return new Aggregate(sensorId, site, start, end, count, w.duplicates, w.missing,
                stats(Contract.TEMPERATURE, w.temperature), stats(Contract.HUMIDITY, w.humidity),
                stats(Contract.PRESSURE, w.pressure), lat, lon);
    }

    private static String identifier(String name, String value) throws MalformedAggregateException {
        if (value.isEmpty() || value.length() > MAX_IDENTIFIER) {
            throw new MalformedAggregateException(Reason.INVALID_FIELD, name + " must be 1.." + MAX_IDENTIFIER + " characters");
        }
        return value;
    }

    private static void notNegative(String name, Long value) throws MalformedAggregateException {
        if (value != null && value < 0) {
            throw new MalformedAggregateException(Reason.OUT_OF_RANGE, name + " must not be negative");
        }
    }

    private static String text(JsonParser p, JsonToken token, String field) throws IOException, MalformedAggregateException {
        if (token != JsonToken.VALUE_STRING) {
            throw invalid(field);
        }
        return p.getText();
    }

    private static Long integer(JsonParser p, JsonToken token, String field) throws IOException, MalformedAggregateException {
        if (token != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw invalid(field);
        }
        return p.getLongValue();
    }

    private static Double number(JsonParser p, JsonToken token, String field) throws IOException, MalformedAggregateException {
        if (token != JsonToken.VALUE_NUMBER_FLOAT && token != JsonToken.VALUE_NUMBER_INT) {
            throw invalid(field);
        }
        return p.getDoubleValue();
    }

    /** {avg, min, max} → a three-element array, missing entries null. */
    private static Double[] stats(JsonParser p, JsonToken token, String field) throws IOException, MalformedAggregateException {
        if (token != JsonToken.START_OBJECT) {
            throw invalid(field);
        }
        Double[] s = new Double[3];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "avg" -> s[0] = number(p, t, field + ".avg");
                case "min" -> s[1] = number(p, t, field + ".min");
                case "max" -> s[2] = number(p, t, field + ".max");
                default -> p.skipChildren();
            }
        }
        return s;
    }

    private static MalformedAggregateException invalid(String field) {
        return new MalformedAggregateException(Reason.INVALID_FIELD, field + " has the wrong type");
    }

    private static Aggregate.Stats stats(Contract.Range range, Double[] s) throws MalformedAggregateException {
        required(range.field(), s);
        return new Aggregate.Stats(entry(range, "avg", s[0]), entry(range, "min", s[1]), entry(range, "max", s[2]));
    }

    private static double entry(Contract.Range range, String key, Double value) throws MalformedAggregateException {
        if (value == null) {
            throw new MalformedAggregateException(Reason.MISSING_FIELD, range.field() + "." + key + " is missing");
        }
        if (!range.contains(value)) {
            throw outOfRange(range.field() + "." + key, value, range);
        }
        return value;
    }

    private static double range(Contract.Range range, double value) throws MalformedAggregateException {
        if (!range.contains(value)) {
            throw outOfRange(range.field(), value, range);
        }
        return value;
    }

    private static MalformedAggregateException outOfRange(String name, double value, Contract.Range range) {
        return new MalformedAggregateException(Reason.OUT_OF_RANGE,
                name + " " + value + " outside " + range.min() + ".." + range.max());
    }

    private static Instant instant(String name, String text) throws MalformedAggregateException {
        required(name, text);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedAggregateException(Reason.BAD_TIMESTAMP, name + " is not an ISO-8601 instant");
        }
    }

    private static <T> T required(String name, T value) throws MalformedAggregateException {
        if (value == null) {
            throw new MalformedAggregateException(Reason.MISSING_FIELD, name + " is missing");
        }
        return value;
    }
}
