package io.kafkaedge.frontend;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.io.NumberInput;

/**
 * Hand-written reader for the plain JSON the aggregator writes: one object of the contract's
 * fields in any order, ASCII strings without escapes, decimal numbers without exponent. It is a
 * fast path only. It fills the {@link AggregateParser.Wire} exactly as the streaming parser
 * would, or gives up (returns false) on anything else — an unknown field, an escape, an exponent,
 * any syntax it does not expect — and the streaming parser then decides, so what is accepted and
 * why a record is rejected never depends on which path read it.
 */
final class LeanAggregateReader {

    /** Powers of ten exactly representable as doubles (10^0..10^22). */
    private static final double[] POW10 = new double[23];
    /** Up to 15 digits a mantissa is exact in a double; with an exact power of ten one division is correctly rounded. */
    private static final int MAX_EXACT_DIGITS = 15;
    /** Integers the streaming parser reads as an int or a long. */
    private static final int MAX_LONG_DIGITS = 18;
    private static final int MAX_NUMBER_LENGTH = 64;

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private final byte[] b;
    private int i;
    /** Set by {@link #number()}, whose result is always a double (no boxing on the hot path). */
    private boolean numberOk;

    private LeanAggregateReader(byte[] b) {
        this.b = b;
    }

    /** Reads {@code value} into {@code w}; false when the bytes are not in the plain shape. */
    static boolean read(byte[] value, AggregateParser.Wire w) {
        return new LeanAggregateReader(value).object(w);
    }

    private boolean object(AggregateParser.Wire w) {
        skipWs();
        if (!take('{')) {
            return false;
        }
        skipWs();
        if (!take('}')) {
            do {
                skipWs();
                if (!member(w)) {
                    return false;
                }
                skipWs();
            } while (take(','));
            if (!take('}')) {
                return false;
            }
        }
        skipWs();
        return i == b.length;
    }

    private boolean member(AggregateParser.Wire w) {
        int start = plainString();
        if (start < 0) {
            return false;
        }
        int end = i - 1;
        skipWs();
        if (!take(':')) {
            return false;
        }
        skipWs();
        return switch (end - start) {
            case 4 -> is(start, "site") ? site(w) : false;
            case 5 -> is(start, "count") ? count(w) : false;
            case 8 -> {
                if (is(start, "sensorId")) {
                    yield (w.sensorId = string()) != null;
                }
                if (is(start, "humidity")) {
                    yield (w.humidity = stats()) != null;
                }
                if (is(start, "latitude")) {
                    double v = number();
                    w.latitude = numberOk ? v : null;
                    yield numberOk;
                }
                if (is(start, "pressure")) {
                    yield (w.pressure = stats()) != null;
                }
                yield false;
            }
            case 9 -> {
                if (is(start, "windowEnd")) {
                    yield (w.windowEnd = string()) != null;
                }
                if (is(start, "longitude")) {
                    double v = number();
                    w.longitude = numberOk ? v : null;
                    yield numberOk;
                }
                yield false;
            }
            case 11 -> {
                if (is(start, "windowStart")) {
                    yield (w.windowStart = string()) != null;
                }
                if (is(start, "temperature")) {
                    yield (w.temperature = stats()) != null;
                }
                yield false;
            }
            default -> false;
        };
    }

    private boolean site(AggregateParser.Wire w) {
        if (i + 4 <= b.length && b[i] == 'n' && b[i + 1] == 'u' && b[i + 2] == 'l' && b[i + 3] == 'l') {
            i += 4;
            w.site = null;
            return true;
        }
        return (w.site = string()) != null;
    }

    private boolean count(AggregateParser.Wire w) {
        boolean negative = take('-');
        int digits = 0;
        long v = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i++] - '0');
            digits++;
        }
        if (digits == 0 || digits > MAX_LONG_DIGITS || (digits > 1 && b[i - digits] == '0') || fractionOrExponentFollows()) {
            return false;
        }
        w.count = negative ? -v : v;
        return true;
    }

    /** {avg, min, max} in any order, as the streaming parser reads it (a missing entry stays null). */
    private Double[] stats() {
        if (!take('{')) {
            return null;
        }
        Double[] s = new Double[3];
        skipWs();
        if (take('}')) {
            return s;
        }
        do {
            skipWs();
            int start = plainString();
            if (start < 0 || i - 1 - start != 3) {
                return null;
            }
            int k = is(start, "avg") ? 0 : is(start, "min") ? 1 : is(start, "max") ? 2 : -1;
            skipWs();
            if (k < 0 || !take(':')) {
                return null;
            }
            skipWs();
            double v = number();
            if (!numberOk) {
                return null;
            }
            s[k] = v;
            skipWs();
        } while (take(','));
        return take('}') ? s : null;
    }

    /**
     * A JSON number as a double equal to the streaming parser's: an integer token is converted
     * from a long ({@code -0} is {@code 0.0}); a decimal of up to 15 digits and 22 decimals is one
     * exact division (correctly rounded, so equal to {@link Double#parseDouble}); any other
     * decimal, e.g. the 17 digits of an average, is parsed from its text (correctly rounded) once
     * the text is checked to be a JSON number.
     */
    private double number() {
        numberOk = false;
        int from = i;
        boolean negative = take('-');
        int intFrom = i;
        long mantissa = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            mantissa = mantissa * 10 + (b[i++] - '0');
        }
        int intDigits = i - intFrom;
        if (intDigits == 0 || (intDigits > 1 && b[intFrom] == '0')) {
            return 0;
        }
        int scale = 0;
        if (i < b.length && b[i] == '.') {
            i++;
            int fracFrom = i;
            while (i < b.length && b[i] >= '0' && b[i] <= '9') {
                mantissa = mantissa * 10 + (b[i++] - '0');
            }
            scale = i - fracFrom;
            if (scale == 0) {
                return 0;
            }
        }
        boolean exponent = false;
        if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < b.length && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int expFrom = i;
            while (i < b.length && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == expFrom) {
                return 0;
            }
            exponent = true;
        }
        int digits = intDigits + scale;
        if (i - from > MAX_NUMBER_LENGTH) {
            return 0; // the streaming parser has limits of its own: let it judge
        }
        numberOk = true;
        if (!exponent && scale == 0 && digits <= MAX_LONG_DIGITS) {
            return (double) (negative ? -mantissa : mantissa);
        }
        if (!exponent && scale > 0 && digits <= MAX_EXACT_DIGITS && scale < POW10.length) {
            double v = mantissa / POW10[scale];
            return negative ? -v : v;
        }
        if (!exponent && scale == 0) {
            numberOk = false; // an integer beyond a long: the streaming parser converts it its own way
            return 0;
        }
        // Jackson's fast double parser: correctly rounded too, so equal to Double.parseDouble, at a
        // fraction of its cost for 17 digits.
        return NumberInput.parseDouble(new String(b, from, i - from, StandardCharsets.ISO_8859_1), true);
    }

    private boolean fractionOrExponentFollows() {
        return i < b.length && (b[i] == '.' || b[i] == 'e' || b[i] == 'E');
    }

    /** A string of printable ASCII without escapes, or null. */
    private String string() {
        int start = plainString();
        return start < 0 ? null : new String(b, start, i - 1 - start, StandardCharsets.ISO_8859_1);
    }

    /** Steps over a plain string; returns the index of its first character, or -1. */
    private int plainString() {
        if (!take('"')) {
            return -1;
        }
        int start = i;
        while (i < b.length) {
            byte c = b[i++];
            if (c == '"') {
                return start;
            }
            if (c < 0x20 || c == '\\' || c > 0x7e) {
                return -1; // escape, control character or non-ASCII: the streaming parser decides
            }
        }
        return -1;
    }

    private boolean is(int start, String name) {
        for (int k = 0; k < name.length(); k++) {
            if (b[start + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private boolean take(char c) {
        if (i < b.length && b[i] == c) {
            i++;
            return true;
        }
        return false;
    }

    private void skipWs() {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
    }
}
