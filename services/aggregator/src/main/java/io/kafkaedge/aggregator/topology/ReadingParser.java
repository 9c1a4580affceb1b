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
import io.kafkaedge.contract.Contract;

/**
 * Turns a raw record value into a {@link ParseResult} with Jackson's streaming parser (strict
 * duplicate detection, its fast double parser). Never throws. The rules are the contract's
 * (contract/reading.schema.json, through {@link Contract}); unknown fields are skipped.
 * <p>
 * When several things are wrong the reported reason is, in this order: not_json, invalid_field
 * (wrong JSON type, a sensorId or bootId that is not an identifier), missing_field (a required
 * field absent or null, or only one of bootId / seq), bad_timestamp, out_of_range (a measurement
 * outside the contract's bounds, seq negative or above its maximum), future_timestamp.
 */
public final class ReadingParser {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

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

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }

    /** The fields as read; the first type problem, in document order, wins. */
    private final class Fields {
        private String sensorId;
        private String bootId;
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
                case "bootId" -> bootId = string(name, value, p);
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
            if (sensorId != null && !Contract.isIdentifier(sensorId)) {
                return new ParseResult.Rejected(raw, Reason.INVALID_FIELD,
                        "sensorId is not an identifier " + Contract.IDENTIFIER.pattern());
            }
            if (bootId != null && !Contract.isIdentifier(bootId)) {
                return new ParseResult.Rejected(raw, Reason.INVALID_FIELD,
                        "bootId is not an identifier " + Contract.IDENTIFIER.pattern());
            }
            String missing = missing();
            if (missing != null) {
                return new ParseResult.Rejected(raw, Reason.MISSING_FIELD, missing);
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
            if (maxFutureSkewMs != Long.MAX_VALUE) {
                long now = clock.millis();
                if (eventTime - now > maxFutureSkewMs) {
                    return new ParseResult.Rejected(raw, Reason.FUTURE_TIMESTAMP, "timestamp " + Instant.ofEpochMilli(eventTime)
                            + " is more than " + maxFutureSkewMs + " ms ahead of " + Instant.ofEpochMilli(now));
                }
            }
            return new ParseResult.Valid(raw, new Reading(sensorId, bootId, seq, eventTime,
                    temperature, humidity, pressure, latitude, longitude));
        }

        /** What is missing, or {@code null}. */
        private String missing() {
            String field = timestamp == null ? "timestamp"
                    : temperature == null ? "temperature"
                    : humidity == null ? "humidity"
                    : pressure == null ? "pressure"
                    : latitude == null ? "latitude"
                    : longitude == null ? "longitude"
                    : null;
            if (field != null) {
                return field + " is missing";
            }
            if ((bootId == null) != (seq == null)) {
                return (bootId == null ? "bootId" : "seq") + " is missing: bootId and seq come together or not at all";
            }
            return null;
        }

        private String outOfRange() {
            String problem = range(Contract.TEMPERATURE, temperature);
            problem = problem != null ? problem : range(Contract.HUMIDITY, humidity);
            problem = problem != null ? problem : range(Contract.PRESSURE, pressure);
            problem = problem != null ? problem : range(Contract.LATITUDE, latitude);
            problem = problem != null ? problem : range(Contract.LONGITUDE, longitude);
            if (problem == null && seq != null && seq < 0) {
                problem = "seq " + seq + " is negative";
            }
            if (problem == null && seq != null && seq > Contract.SEQ_MAX) {
                problem = "seq " + seq + " is above " + Contract.SEQ_MAX;
            }
            return problem;
        }

        private static String range(Contract.Range range, double value) {
            return range.contains(value) ? null
                    : range.field() + " " + value + " outside " + range.min() + ".." + range.max();
        }
    }
}
