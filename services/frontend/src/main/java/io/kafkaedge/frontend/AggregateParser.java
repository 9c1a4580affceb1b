package io.kafkaedge.frontend;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/** Turns record bytes into an {@link Aggregate} or says precisely why it cannot. */
public final class AggregateParser {

    /** The edge topic name; MirrorMaker 2 prefixes it with the source site's alias. */
    public static final String TOPIC_SUFFIX = "sensor-data-aggregated";

    private static final String DOT_SUFFIX = "." + TOPIC_SUFFIX;
    private static final JsonFactory JSON = new JsonFactory();

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
    static final class Wire {
        String sensorId;
        String site;
        String windowStart;
        String windowEnd;
        Long count;
        Double[] temperature;
        Double[] humidity;
        Double[] pressure;
        Double latitude;
        Double longitude;
    }

    private AggregateParser() {
    }

    /**
     * Parses one record value read from {@code topic}. The frontend reads every aggregate of the
     * last 24 h on start, millions of records: the aggregator's plain encoding is read by
     * {@link LeanAggregateReader}, anything else by a streaming parse (no data binding), which
     * also decides every rejection.
     */
    public static Aggregate parse(String topic, byte[] value) throws MalformedAggregateException {
        if (value == null || value.length == 0) {
            throw new MalformedAggregateException(Reason.NOT_JSON, "empty value");
        }
        Wire w = new Wire();
        if (!LeanAggregateReader.read(value, w)) {
            w = new Wire();
            stream(value, w);
        }
        return validate(topic, w);
    }

    /** {@link #parse} with the streaming parser alone (the reference the lean reader is tested against). */
    static Aggregate parseStreaming(String topic, byte[] value) throws MalformedAggregateException {
        if (value == null || value.length == 0) {
            throw new MalformedAggregateException(Reason.NOT_JSON, "empty value");
        }
        Wire w = new Wire();
        stream(value, w);
        return validate(topic, w);
    }

    private static void stream(byte[] value, Wire w) throws MalformedAggregateException {
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
                    case "count" -> {
                        if (token != JsonToken.VALUE_NUMBER_INT) {
                            throw invalid(field);
                        }
                        w.count = p.getLongValue();
                    }
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
        } catch (JsonParseException e) {
            throw new MalformedAggregateException(Reason.NOT_JSON, e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedAggregateException(Reason.NOT_JSON, e.getMessage());
        }
    }

    private static Aggregate validate(String topic, Wire w) throws MalformedAggregateException {
        String sensorId = required("sensorId", w.sensorId);
        if (sensorId.isBlank() || sensorId.length() > 128) {
            throw new MalformedAggregateException(Reason.INVALID_FIELD, "sensorId must be 1..128 characters");
        }
        Instant start = instant("windowStart", w.windowStart);
        Instant end = instant("windowEnd", w.windowEnd);
        if (!end.isAfter(start)) {
            throw new MalformedAggregateException(Reason.OUT_OF_RANGE, "windowEnd must be after windowStart");
        }
        long count = required("count", w.count);
        if (count < 0) {
            throw new MalformedAggregateException(Reason.OUT_OF_RANGE, "count must not be negative");
        }
        double lat = range("latitude", required("latitude", w.latitude), -90, 90);
        double lon = range("longitude", required("longitude", w.longitude), -180, 180);
        String site = w.site != null && !w.site.isBlank() ? w.site : siteFromTopic(topic);
        return new Aggregate(sensorId, site, start, end, count,
                stats("temperature", w.temperature, -60, 85),
                stats("humidity", w.humidity, 0, 100),
                stats("pressure", w.pressure, 300, 1100),
                lat, lon);
    }

    private static String text(JsonParser p, JsonToken token, String field) throws IOException, MalformedAggregateException {
        if (token != JsonToken.VALUE_STRING) {
            throw invalid(field);
        }
        return p.getText();
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

    private static Aggregate.Stats stats(String name, Double[] s, double lo, double hi)
            throws MalformedAggregateException {
        required(name, s);
        return new Aggregate.Stats(entry(name, ".avg", s[0], lo, hi), entry(name, ".min", s[1], lo, hi),
                entry(name, ".max", s[2], lo, hi));
    }

    /** One of avg, min, max: present and in range; its name is only built for the message. */
    private static double entry(String name, String key, Double value, double lo, double hi)
            throws MalformedAggregateException {
        if (value == null) {
            throw new MalformedAggregateException(Reason.MISSING_FIELD, name + key + " is missing");
        }
        double v = value;
        if (!(v >= lo && v <= hi)) {
            return range(name + key, v, lo, hi);
        }
        return v;
    }

    private static Instant instant(String name, String text) throws MalformedAggregateException {
        required(name, text);
        Instant fast = IsoInstant.parseSimple(text);
        if (fast != null) {
            return fast;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedAggregateException(Reason.BAD_TIMESTAMP, name + " is not an ISO-8601 instant: " + text);
        }
    }

    private static double range(String name, double value, double lo, double hi) throws MalformedAggregateException {
        if (!(value >= lo && value <= hi)) {
            throw new MalformedAggregateException(Reason.OUT_OF_RANGE, name + " " + value + " outside " + lo + ".." + hi);
        }
        return value;
    }

    private static <T> T required(String name, T value) throws MalformedAggregateException {
        if (value == null) {
            throw new MalformedAggregateException(Reason.MISSING_FIELD, name + " is missing");
        }
        return value;
    }
}
