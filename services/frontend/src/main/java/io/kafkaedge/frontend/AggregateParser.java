package io.kafkaedge.frontend;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

/** Turns record bytes into an {@link Aggregate} or says precisely why it cannot. */
public final class AggregateParser {

    /** The edge topic name; MirrorMaker 2 prefixes it with the source site's alias. */
    public static final String TOPIC_SUFFIX = "sensor-data-aggregated";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

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

    // Wire shapes: boxed so that a missing field is told apart from a zero.
    record WireStats(Double avg, Double min, Double max) {
    }

    record Wire(String sensorId, String site, String windowStart, String windowEnd, Long count,
                WireStats temperature, WireStats humidity, WireStats pressure, Double latitude, Double longitude) {
    }

    private AggregateParser() {
    }

    /** Parses one record value read from {@code topic}. */
    public static Aggregate parse(String topic, byte[] value) throws MalformedAggregateException {
        if (value == null || value.length == 0) {
            throw new MalformedAggregateException(Reason.NOT_JSON, "empty value");
        }
        Wire w;
        try {
            w = MAPPER.readValue(value, Wire.class);
        } catch (MismatchedInputException e) {
            throw new MalformedAggregateException(Reason.INVALID_FIELD, e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new MalformedAggregateException(Reason.NOT_JSON, e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedAggregateException(Reason.NOT_JSON, e.getMessage());
        }
        if (w == null) {
            throw new MalformedAggregateException(Reason.NOT_JSON, "null value");
        }
        String sensorId = required("sensorId", w.sensorId());
        if (sensorId.isBlank() || sensorId.length() > 128) {
            throw new MalformedAggregateException(Reason.INVALID_FIELD, "sensorId must be 1..128 characters");
        }
        Instant start = instant("windowStart", w.windowStart());
        Instant end = instant("windowEnd", w.windowEnd());
        if (!end.isAfter(start)) {
            throw new MalformedAggregateException(Reason.OUT_OF_RANGE, "windowEnd must be after windowStart");
        }
        long count = required("count", w.count());
        if (count < 0) {
            throw new MalformedAggregateException(Reason.OUT_OF_RANGE, "count must not be negative");
        }
        double lat = range("latitude", required("latitude", w.latitude()), -90, 90);
        double lon = range("longitude", required("longitude", w.longitude()), -180, 180);
        String site = w.site() != null && !w.site().isBlank() ? w.site() : siteFromTopic(topic);
        return new Aggregate(sensorId, site, start, end, count,
                stats("temperature", w.temperature(), -60, 85),
                stats("humidity", w.humidity(), 0, 100),
                stats("pressure", w.pressure(), 300, 1100),
                lat, lon);
    }

    /**
     * The site MirrorMaker 2's default replication policy encodes in the topic name
     * ({@code prague.sensor-data-aggregated} → {@code prague}); {@code unknown} without a prefix.
     */
    public static String siteFromTopic(String topic) {
        int dot = topic.indexOf('.');
        if (dot <= 0 || !topic.endsWith("." + TOPIC_SUFFIX)) {
            return "unknown";
        }
        return topic.substring(0, dot);
    }

    private static Aggregate.Stats stats(String name, WireStats s, double lo, double hi)
            throws MalformedAggregateException {
        required(name, s);
        return new Aggregate.Stats(
                range(name + ".avg", required(name + ".avg", s.avg()), lo, hi),
                range(name + ".min", required(name + ".min", s.min()), lo, hi),
                range(name + ".max", required(name + ".max", s.max()), lo, hi));
    }

    private static Instant instant(String name, String text) throws MalformedAggregateException {
        try {
            return Instant.parse(required(name, text));
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
