package io.kafkaedge.aggregator.topology;

/**
 * Why a reading did not reach a window. The {@link #code()} is the value of the DLQ header
 * {@code dlq.reason} and of the metric label {@code reason}.
 */
public enum Reason {
    /** Not a UTF-8 JSON object (syntax error, empty, array, duplicate field, trailing bytes). */
    NOT_JSON("not_json"),
    /** A field has the wrong JSON type (e.g. temperature as a string). */
    INVALID_FIELD("invalid_field"),
    /** A required field is absent or null. */
    MISSING_FIELD("missing_field"),
    /** A value is outside its physical range. */
    OUT_OF_RANGE("out_of_range"),
    /** The timestamp is further ahead of the aggregator's clock than the allowed skew. */
    FUTURE_TIMESTAMP("future_timestamp"),
    /** The timestamp is a string but not a date-time this service understands. */
    BAD_TIMESTAMP("bad_timestamp"),
    /** Valid, but its window had already closed (past the grace period). */
    LATE("late");

    private final String code;

    Reason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
