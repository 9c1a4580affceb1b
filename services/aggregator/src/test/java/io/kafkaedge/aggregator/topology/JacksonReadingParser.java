package io.kafkaedge.aggregator.topology;

import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * The aggregator's first parser, on Jackson's streaming API, kept as the oracle that
 * {@link ReadingParserDifferentialTest} compares {@link ReadingParser} with: both must come to the
 * same result and reason for every input. Never throws.
 * When several things are wrong the reported reason is, in this order: not_json, invalid_field,
 * missing_field, bad_timestamp, out_of_range, future_timestamp.
 */
final class JacksonReadingParser {

    /** Physical ranges (inclusive); BME280 limits widened to what an outdoor sensor can report. */
    public static final double TEMPERATURE_MIN = -60;
    public static final double TEMPERATURE_MAX = 85;
    public static final double HUMIDITY_MIN = 0;
    public static final double HUMIDITY_MAX = 100;
    public static final double PRESSURE_MIN = 300;
    public static final double PRESSURE_MAX = 1100;
    /** Longest accepted sensor id (it becomes a Kafka key and a Prometheus label value). */
    public static final int SENSOR_ID_MAX_LENGTH = 128;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Clock clock;
    private final long maxFutureSkewMs;

    /**
     * @param clock          the aggregator's clock, for the future-timestamp check
     * @param maxFutureSkew  how far ahead of {@code clock} a timestamp may be; {@code null}: no check
     */
    JacksonReadingParser(Clock clock, Duration maxFutureSkew) {
        this.clock = clock;
        this.maxFutureSkewMs = maxFutureSkew == null ? Long.MAX_VALUE : maxFutureSkew.toMillis();
    }

    /** A parser without the clock check, for readings that were validated before. */
    static JacksonReadingParser withoutClockCheck() {
        return new JacksonReadingParser(Clock.systemUTC(), null);
    }

    public ParseResult parse(byte[] raw) {
        byte[] bytes = raw == null ? new byte[0] : raw;
        if (bytes.length == 0) {
            return new ParseResult.Rejected(bytes, Reason.NOT_JSON, "empty value");
        }
        Fields f = new Fields();
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new ParseResult.Rejected(bytes, Reason.NOT_JSON, "not a JSON object");
            }
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                f.read(name, value, p);
                if (value.isStructStart()) {
                    p.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
                return new ParseResult.Rejected(bytes, Reason.NOT_JSON, "trailing content after the object");
            }
        } catch (IOException | RuntimeException e) {
            return new ParseResult.Rejected(bytes, Reason.NOT_JSON, firstLine(e.getMessage()));
        }
        return f.validate(bytes);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The fields as read; the first type problem wins. */
    private final class Fields {
        private String sensorId;
        private Long seq;
        private String timestamp;
        private Double temperature;
        private Double humidity;
        private Double pressure;
        private Double latitude;
        private Double longitude;
        private String typeProblem;

        void read(String name, JsonToken value, JsonParser p) throws IOException {
            switch (name) {
                case "sensorId" -> sensorId = string(name, value, p);
                case "timestamp" -> timestamp = string(name, value, p);
                case "seq" -> seq = integer(name, value, p);
                case "temperature" -> temperature = number(name, value, p);
                case "humidity" -> humidity = number(name, value, p);
                case "pressure" -> pressure = number(name, value, p);
                case "latitude" -> latitude = number(name, value, p);
                case "longitude" -> longitude = number(name, value, p);
                default -> {
                    // unknown fields are allowed (forward compatibility)
                }
            }
        }

        private String string(String name, JsonToken value, JsonParser p) throws IOException {
            if (value == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            typeMismatch(name, value, "a string");
            return null;
        }

        private Double number(String name, JsonToken value, JsonParser p) throws IOException {
            if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                return p.getDoubleValue();
            }
            typeMismatch(name, value, "a number");
            return null;
        }

        private Long integer(String name, JsonToken value, JsonParser p) throws IOException {
            if (value == JsonToken.VALUE_NUMBER_INT) {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    if (typeProblem == null) {
                        typeProblem = name + " does not fit in 64 bits";
                    }
                    return null;
                }
                return p.getLongValue();
            }
            typeMismatch(name, value, "an integer");
            return null;
        }

        private void typeMismatch(String name, JsonToken value, String expected) {
            if (value != JsonToken.VALUE_NULL && typeProblem == null) {
                typeProblem = name + " must be " + expected + ", was " + value.name();
            }
        }

        ParseResult validate(byte[] raw) {
            if (typeProblem != null) {
                return new ParseResult.Rejected(raw, Reason.INVALID_FIELD, typeProblem);
            }
            if (sensorId != null && (sensorId.isBlank() || sensorId.length() > SENSOR_ID_MAX_LENGTH)) {
                return new ParseResult.Rejected(raw, Reason.INVALID_FIELD,
                        "sensorId must be 1.." + SENSOR_ID_MAX_LENGTH + " non-blank characters");
            }
            String missing = missing();
            if (missing != null) {
                return new ParseResult.Rejected(raw, Reason.MISSING_FIELD, missing + " is missing");
            }
            long eventTime;
            try {
                eventTime = EventTimes.parse(timestamp);
            } catch (DateTimeException | ArithmeticException e) {
                return new ParseResult.Rejected(raw, Reason.BAD_TIMESTAMP, "timestamp not ISO-8601: " + abbreviate(timestamp));
            }
            if (eventTime < 0) {
                return new ParseResult.Rejected(raw, Reason.BAD_TIMESTAMP, "timestamp before 1970: " + abbreviate(timestamp));
            }
            String range = outOfRange();
            if (range != null) {
                return new ParseResult.Rejected(raw, Reason.OUT_OF_RANGE, range);
            }
            long now = clock.millis();
            if (maxFutureSkewMs != Long.MAX_VALUE && eventTime - now > maxFutureSkewMs) {
                return new ParseResult.Rejected(raw, Reason.FUTURE_TIMESTAMP, "timestamp " + Instant.ofEpochMilli(eventTime)
                        + " is more than " + maxFutureSkewMs + " ms ahead of " + Instant.ofEpochMilli(now));
            }
            return new ParseResult.Valid(raw, new Reading(sensorId, seq, eventTime,
                    temperature, humidity, pressure, latitude, longitude));
        }

        private String missing() {
            if (timestamp == null) {
                return "timestamp";
            } else if (temperature == null) {
                return "temperature";
            } else if (humidity == null) {
                return "humidity";
            } else if (pressure == null) {
                return "pressure";
            } else if (latitude == null) {
                return "latitude";
            } else if (longitude == null) {
                return "longitude";
            }
            return null;
        }

        private String outOfRange() {
            String problem = range("temperature", temperature, TEMPERATURE_MIN, TEMPERATURE_MAX);
            problem = problem != null ? problem : range("humidity", humidity, HUMIDITY_MIN, HUMIDITY_MAX);
            problem = problem != null ? problem : range("pressure", pressure, PRESSURE_MIN, PRESSURE_MAX);
            problem = problem != null ? problem : range("latitude", latitude, -90, 90);
            problem = problem != null ? problem : range("longitude", longitude, -180, 180);
            if (problem == null && seq != null && seq < 0) {
                problem = "seq " + seq + " is negative";
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
}
