package io.kafkaedge.aggregator.topology;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns a raw record value into a {@link ParseResult}. Never throws.
 * <p>
 * The value is read by {@link JsonReadingScanner}, a strict single-pass JSON reader written for
 * this one object shape (it is the aggregator's hottest code: every reading goes through it once).
 * When several things are wrong the reported reason is, in this order: not_json, invalid_field,
 * missing_field, bad_timestamp, out_of_range, future_timestamp.
 */
public final class ReadingParser {

    /** Physical ranges (inclusive); BME280 limits widened to what an outdoor sensor can report. */
    public static final double TEMPERATURE_MIN = -60;
    public static final double TEMPERATURE_MAX = 85;
    public static final double HUMIDITY_MIN = 0;
    public static final double HUMIDITY_MAX = 100;
    public static final double PRESSURE_MIN = 300;
    public static final double PRESSURE_MAX = 1100;
    /** Longest accepted sensor id (it becomes a Kafka key and a Prometheus label value). */
    public static final int SENSOR_ID_MAX_LENGTH = 128;

    private final Clock clock;
    private final long maxFutureSkewMs;

    /**
     * @param clock          the aggregator's clock, for the future-timestamp check
     * @param maxFutureSkew  how far ahead of {@code clock} a timestamp may be; {@code null}: no check
     */
    public ReadingParser(Clock clock, Duration maxFutureSkew) {
        this.clock = clock;
        this.maxFutureSkewMs = maxFutureSkew == null ? Long.MAX_VALUE : maxFutureSkew.toMillis();
    }

    /** A parser without the clock check, for readings that were validated before. */
    public static ReadingParser withoutClockCheck() {
        return new ReadingParser(Clock.systemUTC(), null);
    }

    public ParseResult parse(byte[] raw) {
        byte[] bytes = raw == null ? new byte[0] : raw;
        if (bytes.length == 0) {
            return new ParseResult.Rejected(bytes, Reason.NOT_JSON, "empty value");
        }
        ReadingFields fields = new ReadingFields();
        try {
            new JsonReadingScanner(bytes, fields).readObject();
        } catch (JsonReadingScanner.SyntaxError e) {
            return new ParseResult.Rejected(bytes, Reason.NOT_JSON, e.getMessage());
        }
        return validate(fields, bytes);
    }

    private ParseResult validate(ReadingFields f, byte[] raw) {
        if (f.typeProblem != null) {
            return new ParseResult.Rejected(raw, Reason.INVALID_FIELD, f.typeProblem);
        }
        if (f.sensorId != null && (f.sensorId.isBlank() || f.sensorId.length() > SENSOR_ID_MAX_LENGTH)) {
            return new ParseResult.Rejected(raw, Reason.INVALID_FIELD,
                    "sensorId must be 1.." + SENSOR_ID_MAX_LENGTH + " non-blank characters");
        }
        String missing = f.missing();
        if (missing != null) {
            return new ParseResult.Rejected(raw, Reason.MISSING_FIELD, missing + " is missing");
        }
        long eventTime;
        try {
            eventTime = EventTimes.parse(f.timestamp);
        } catch (DateTimeException | ArithmeticException e) {
            return new ParseResult.Rejected(raw, Reason.BAD_TIMESTAMP, "timestamp not ISO-8601: " + abbreviate(f.timestamp));
        }
        if (eventTime < 0) {
            return new ParseResult.Rejected(raw, Reason.BAD_TIMESTAMP, "timestamp before 1970: " + abbreviate(f.timestamp));
        }
        String range = outOfRange(f);
        if (range != null) {
            return new ParseResult.Rejected(raw, Reason.OUT_OF_RANGE, range);
        }
        if (maxFutureSkewMs != Long.MAX_VALUE) {
            long now = clock.millis();
            if (eventTime - now > maxFutureSkewMs) {
                return new ParseResult.Rejected(raw, Reason.FUTURE_TIMESTAMP, "timestamp " + Instant.ofEpochMilli(eventTime)
                        + " is more than " + maxFutureSkewMs + " ms ahead of " + Instant.ofEpochMilli(now));
            }
        }
        return new ParseResult.Valid(raw, new Reading(f.sensorId, f.hasSeq ? f.seq : null, eventTime,
                f.temperature, f.humidity, f.pressure, f.latitude, f.longitude));
    }

    private static String outOfRange(ReadingFields f) {
        String problem = range("temperature", f.temperature, TEMPERATURE_MIN, TEMPERATURE_MAX);
        problem = problem != null ? problem : range("humidity", f.humidity, HUMIDITY_MIN, HUMIDITY_MAX);
        problem = problem != null ? problem : range("pressure", f.pressure, PRESSURE_MIN, PRESSURE_MAX);
        problem = problem != null ? problem : range("latitude", f.latitude, -90, 90);
        problem = problem != null ? problem : range("longitude", f.longitude, -180, 180);
        if (problem == null && f.hasSeq && f.seq < 0) {
            problem = "seq " + f.seq + " is negative";
        }
        return problem;
    }

    private static String range(String name, double value, double min, double max) {
        return value >= min && value <= max ? null : name + " " + value + " outside " + min + ".." + max;
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }
}
