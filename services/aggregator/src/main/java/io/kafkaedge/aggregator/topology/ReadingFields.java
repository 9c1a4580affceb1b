package io.kafkaedge.aggregator.topology;

/**
 * The fields of a reading as {@link JsonReadingScanner} found them, before validation. Numbers
 * are kept as primitives with a presence bit (no boxing on the hot path); a field given as JSON
 * {@code null} counts as absent. The first field of a wrong JSON type, in document order, is kept
 * as {@link #typeProblem}.
 */
final class ReadingFields {

    static final int UNKNOWN = -1;
    static final int SENSOR_ID = 0;
    static final int TIMESTAMP = 1;
    static final int SEQ = 2;
    static final int TEMPERATURE = 3;
    static final int HUMIDITY = 4;
    static final int PRESSURE = 5;
    static final int LATITUDE = 6;
    static final int LONGITUDE = 7;

    private static final String[] NAMES = {
        "sensorId", "timestamp", "seq", "temperature", "humidity", "pressure", "latitude", "longitude"};
    private static final byte[][] NAME_BYTES = new byte[NAMES.length][];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            NAME_BYTES[i] = NAMES[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    String sensorId;
    String timestamp;
    long seq;
    boolean hasSeq;
    double temperature;
    double humidity;
    double pressure;
    double latitude;
    double longitude;
    /** Bit {@code 1 << field} for each numeric field that was given a number. */
    private int numbers;
    String typeProblem;

    /**
     * The field named by the ASCII bytes {@code b[from, from + length)}, or {@link #UNKNOWN}: the
     * length and the first letter pick the one candidate, which is then compared.
     */
    static int field(byte[] b, int from, int length) {
        int candidate = switch (length) {
            case 3 -> SEQ;
            case 8 -> switch (b[from]) {
                case 's' -> SENSOR_ID;
                case 'h' -> HUMIDITY;
                case 'p' -> PRESSURE;
                case 'l' -> LATITUDE;
                default -> UNKNOWN;
            };
            case 9 -> b[from] == 't' ? TIMESTAMP : b[from] == 'l' ? LONGITUDE : UNKNOWN;
            case 11 -> TEMPERATURE;
            default -> UNKNOWN;
        };
        return candidate != UNKNOWN && java.util.Arrays.equals(NAME_BYTES[candidate], 0, length, b, from, from + length)
                ? candidate : UNKNOWN;
    }

    /** The field named {@code name} (a name that had escapes in the document), or {@link #UNKNOWN}. */
    static int field(String name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        return UNKNOWN;
    }

    static String name(int field) {
        return NAMES[field];
    }

    static boolean wantsString(int field) {
        return field == SENSOR_ID || field == TIMESTAMP;
    }

    void string(int field, String value) {
        if (field == SENSOR_ID) {
            sensorId = value;
        } else {
            timestamp = value;
        }
    }

    /** A JSON number for a numeric field (not {@link #SEQ}). */
    void number(int field, double value) {
        switch (field) {
            case TEMPERATURE -> temperature = value;
            case HUMIDITY -> humidity = value;
            case PRESSURE -> pressure = value;
            case LATITUDE -> latitude = value;
            case LONGITUDE -> longitude = value;
            default -> throw new IllegalArgumentException("not a numeric field: " + field);
        }
        numbers |= 1 << field;
    }

    void seq(long value) {
        seq = value;
        hasSeq = true;
    }

    /** {@code field} holds a value of JSON type {@code token} (Jackson's token names) it cannot take. */
    void mismatch(int field, String token) {
        if (typeProblem == null) {
            String expected = wantsString(field) ? "a string" : field == SEQ ? "an integer" : "a number";
            typeProblem = NAMES[field] + " must be " + expected + ", was " + token;
        }
    }

    void seqTooLarge() {
        if (typeProblem == null) {
            typeProblem = "seq does not fit in 64 bits";
        }
    }

    /** The first required field that is absent, or {@code null}. */
    String missing() {
        if (timestamp == null) {
            return "timestamp";
        }
        for (int field = TEMPERATURE; field <= LONGITUDE; field++) {
            if ((numbers & (1 << field)) == 0) {
                return NAMES[field];
            }
        }
        return null;
    }
}
