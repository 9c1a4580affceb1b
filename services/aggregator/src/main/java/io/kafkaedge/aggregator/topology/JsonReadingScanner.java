package io.kafkaedge.aggregator.topology;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads one JSON object (RFC 8259, UTF-8) into {@link ReadingFields} in a single pass over the
 * bytes: the reading's fields are converted where they stand, every other value is checked and
 * skipped. As strict as Jackson's defaults, which it replaced on this hot path: no comments,
 * single quotes, leading zeros, {@code NaN} or trailing commas; duplicate names (at any depth),
 * unescaped control characters, malformed UTF-8, nesting deeper than {@value #MAX_DEPTH} and
 * numbers longer than {@value #MAX_NUMBER_LENGTH} characters are errors; a UTF-8 byte order mark
 * is skipped. Numbers convert exactly as {@link Double#parseDouble} does (a fast path for the
 * short decimals sensors send, {@code parseDouble} itself otherwise).
 */
final class JsonReadingScanner {

    static final int MAX_DEPTH = 1000;
    static final int MAX_NUMBER_LENGTH = 1000;

    /** Exact powers of ten as doubles (10^22 is the largest one a double holds exactly). */
    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    /** Malformed JSON; the message says what and where. Cheap: no stack trace. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] b;
    private final int end;
    private final ReadingFields fields;
    private int pos;
    /** The field name last read when it is not one of the reading's fields. */
    private String otherName;
    private int numberStart;
    private boolean numberIsInteger;

    JsonReadingScanner(byte[] bytes, ReadingFields fields) {
        this.b = bytes;
        this.end = bytes.length;
        this.fields = fields;
    }

    /** Reads the whole input: one object, nothing but whitespace after it. */
    void readObject() throws SyntaxError {
        if (end >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF) {
            pos = 3;
        }
        whitespace();
        if (pos >= end || b[pos] != '{') {
            throw error("not a JSON object");
        }
        pos++;
        int seen = 0;
        Set<String> seenOthers = null;
        whitespace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                if (peek() != '"') {
                    throw error("expected a field name");
                }
                int field = name();
                if (field != ReadingFields.UNKNOWN) {
                    if ((seen & (1 << field)) != 0) {
                        throw duplicate(ReadingFields.name(field));
                    }
                    seen |= 1 << field;
                } else {
                    seenOthers = seenOthers == null ? new HashSet<>() : seenOthers;
                    if (!seenOthers.add(otherName)) {
                        throw duplicate(otherName);
                    }
                }
                whitespace();
                expect(':');
                whitespace();
                value(field);
                whitespace();
                byte c = peek();
                pos++;
                if (c == '}') {
                    break;
                } else if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
                whitespace();
            }
        }
        whitespace();
        if (pos != end) {
            throw error("trailing content after the object");
        }
    }

    /** A top-level member's value, given to {@link #fields} when it is one of the reading's fields. */
    private void value(int field) throws SyntaxError {
        boolean known = field != ReadingFields.UNKNOWN;
        byte c = peek();
        switch (c) {
            case '"' -> {
                if (known && ReadingFields.wantsString(field)) {
                    fields.string(field, string());
                } else {
                    skipString();
                    mismatch(field, "VALUE_STRING");
                }
            }
            case '{' -> {
                mismatch(field, "START_OBJECT");
                skipContainer();
            }
            case '[' -> {
                mismatch(field, "START_ARRAY");
                skipContainer();
            }
            case 't' -> {
                literal("true");
                mismatch(field, "VALUE_TRUE");
            }
            case 'f' -> {
                literal("false");
                mismatch(field, "VALUE_FALSE");
            }
            case 'n' -> literal("null"); // a null field counts as absent
            default -> {
                number();
                if (known) {
                    numberField(field);
                }
            }
        }
    }

    private void mismatch(int field, String token) {
        if (field != ReadingFields.UNKNOWN) {
            fields.mismatch(field, token);
        }
    }

    private void numberField(int field) {
        if (ReadingFields.wantsString(field)) {
            fields.mismatch(field, numberIsInteger ? "VALUE_NUMBER_INT" : "VALUE_NUMBER_FLOAT");
        } else if (field == ReadingFields.SEQ) {
            if (!numberIsInteger) {
                fields.mismatch(field, "VALUE_NUMBER_FLOAT");
            } else {
                long value = longValue();
                if (value == Long.MIN_VALUE && !isLongMinValue()) {
                    fields.seqTooLarge();
                } else {
                    fields.seq(value);
                }
            }
        } else {
            fields.number(field, doubleValue());
        }
    }

    // ---- names and strings ------------------------------------------------------------------

    /** Reads a member name at {@code pos} (a quote); returns its field, keeping other names in {@link #otherName}. */
    private int name() throws SyntaxError {
        int start = pos + 1;
        for (int i = start; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                pos = i + 1;
                int field = ReadingFields.field(b, start, i - start);
                if (field == ReadingFields.UNKNOWN) {
                    otherName = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
                }
                return field;
            }
            if (c == '\\' || c < 0x20) { // an escape, a control character or a non-ASCII byte
                break;
            }
        }
        String decoded = string();
        int field = ReadingFields.field(decoded);
        if (field == ReadingFields.UNKNOWN) {
            otherName = decoded;
        }
        return field;
    }

    /** Reads and decodes the string at {@code pos} (a quote). */
    private String string() throws SyntaxError {
        int start = pos + 1;
        int i = start;
        while (i < end) {
            byte c = b[i];
            if (c == '"') {
                pos = i + 1;
                return new String(b, start, i - start, StandardCharsets.ISO_8859_1);
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
            i++;
        }
        StringBuilder text = new StringBuilder(i - start + 16).append(new String(b, start, i - start,
                StandardCharsets.ISO_8859_1));
        rest(i, text);
        return text.toString();
    }

    /** Checks the string at {@code pos} (a quote) and moves past it without decoding it. */
    private void skipString() throws SyntaxError {
        rest(pos + 1, null);
    }

    /**
     * Reads a string from {@code i} (inside it) to its closing quote, appending the decoded
     * characters to {@code text} unless it is null, and leaves {@code pos} after the quote.
     */
    private void rest(int i, StringBuilder text) throws SyntaxError {
        while (true) {
            if (i >= end) {
                pos = i;
                throw error("unterminated string");
            }
            int c = b[i] & 0xFF;
            if (c == '"') {
                pos = i + 1;
                return;
            } else if (c == '\\') {
                i = escape(i, text);
            } else if (c < 0x20) {
                pos = i;
                throw error("unescaped control character in a string");
            } else if (c < 0x80) {
                if (text != null) {
                    text.append((char) c);
                }
                i++;
            } else {
                int length = utf8Length(i);
                if (text != null) {
                    text.append(new String(b, i, length, StandardCharsets.UTF_8));
                }
                i += length;
            }
        }
    }

    /** The escape at {@code i} (a backslash), appended to {@code text} if not null; returns the index after it. */
    private int escape(int i, StringBuilder text) throws SyntaxError {
        if (i + 1 >= end) {
            pos = i;
            throw error("unterminated escape");
        }
        char decoded;
        int next = i + 2;
        switch (b[i + 1]) {
            case '"' -> decoded = '"';
            case '\\' -> decoded = '\\';
            case '/' -> decoded = '/';
            case 'b' -> decoded = '\b';
            case 'f' -> decoded = '\f';
            case 'n' -> decoded = '\n';
            case 'r' -> decoded = '\r';
            case 't' -> decoded = '\t';
            case 'u' -> {
                if (i + 6 > end) {
                    pos = i;
                    throw error("truncated \\u escape");
                }
                int code = 0;
                for (int k = i + 2; k < i + 6; k++) {
                    int digit = Character.digit(b[k], 16);
                    if (digit < 0) {
                        pos = k;
                        throw error("not a hex digit in a \\u escape");
                    }
                    code = code << 4 | digit;
                }
                decoded = (char) code;
                next = i + 6;
            }
            default -> {
                pos = i + 1;
                throw error("unknown escape");
            }
        }
        if (text != null) {
            text.append(decoded);
        }
        return next;
    }

    /** Length of the well-formed UTF-8 sequence starting at {@code i} (a byte >= 0x80). */
    private int utf8Length(int i) throws SyntaxError {
        int lead = b[i] & 0xFF;
        int length;
        int min = 0x80;
        int max = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            min = lead == 0xE0 ? 0xA0 : 0x80; // no overlong forms
            max = lead == 0xED ? 0x9F : 0xBF; // no UTF-16 surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            min = lead == 0xF0 ? 0x90 : 0x80;
            max = lead == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
        } else {
            pos = i;
            throw error("malformed UTF-8");
        }
        if (i + length > end) {
            pos = i;
            throw error("truncated UTF-8 sequence");
        }
        int second = b[i + 1] & 0xFF;
        boolean ok = second >= min && second <= max;
        for (int k = i + 2; k < i + length; k++) {
            ok &= (b[k] & 0xC0) == 0x80;
        }
        if (!ok) {
            pos = i;
            throw error("malformed UTF-8");
        }
        return length;
    }

    // ---- numbers ----------------------------------------------------------------------------

    /** Checks the number at {@code pos} against JSON's grammar and moves past it. */
    private void number() throws SyntaxError {
        int start = pos;
        boolean integer = true;
        if (pos < end && b[pos] == '-') {
            pos++;
        }
        if (pos < end && b[pos] == '0') {
            pos++;
        } else if (pos < end && b[pos] >= '1' && b[pos] <= '9') {
            digits();
        } else {
            throw error("unexpected character");
        }
        if (pos < end && b[pos] == '.') {
            pos++;
            integer = false;
            requireDigits();
        }
        if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
            pos++;
            integer = false;
            if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
                pos++;
            }
            requireDigits();
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            throw error("number longer than " + MAX_NUMBER_LENGTH + " characters");
        }
        numberStart = start;
        numberIsInteger = integer;
    }

    private void requireDigits() throws SyntaxError {
        if (pos >= end || b[pos] < '0' || b[pos] > '9') {
            throw error("digit expected in a number");
        }
        digits();
    }

    private void digits() {
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
    }

    /** The last integer number as a long; {@link Long#MIN_VALUE} when it does not fit (see {@link #isLongMinValue()}). */
    private long longValue() {
        int i = numberStart;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        long value = 0; // accumulated negatively: the range of long is one larger below zero
        for (; i < pos; i++) {
            int digit = b[i] - '0';
            if (value < (Long.MIN_VALUE + digit) / 10) {
                return Long.MIN_VALUE;
            }
            value = value * 10 - digit;
        }
        if (negative) {
            return value;
        }
        return value == Long.MIN_VALUE ? Long.MIN_VALUE : -value;
    }

    private boolean isLongMinValue() {
        return "-9223372036854775808".contentEquals(new String(b, numberStart, pos - numberStart,
                StandardCharsets.ISO_8859_1));
    }

    /**
     * The last number as a double, exactly as {@link Double#parseDouble} (and Jackson) would give it:
     * up to 15 significant digits and a decimal exponent within ±22, one IEEE multiplication or
     * division of two exact doubles is correctly rounded (Clinger's fast path); anything else goes
     * to {@code parseDouble}. Integers convert through {@code long} as Jackson does.
     */
    private double doubleValue() {
        int i = numberStart;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        long mantissa = 0;
        int significant = 0;
        int scale = 0;
        boolean fraction = false;
        for (; i < pos; i++) {
            byte c = b[i];
            if (c == '.') {
                fraction = true;
                continue;
            }
            if (c == 'e' || c == 'E') {
                break;
            }
            if (fraction) {
                scale++;
            }
            mantissa = mantissa * 10 + (c - '0');
            if (mantissa != 0 && ++significant > (numberIsInteger ? 18 : 15)) {
                return slowDouble();
            }
        }
        if (numberIsInteger) {
            return negative ? (double) -mantissa : (double) mantissa;
        }
        int exponent = 0;
        if (i < pos) { // at the 'e'
            i++;
            boolean negativeExponent = b[i] == '-';
            if (b[i] == '-' || b[i] == '+') {
                i++;
            }
            if (pos - i > 4) {
                return slowDouble();
            }
            for (; i < pos; i++) {
                exponent = exponent * 10 + (b[i] - '0');
            }
            exponent = negativeExponent ? -exponent : exponent;
        }
        exponent -= scale;
        double value;
        if (mantissa == 0) {
            value = 0;
        } else if (exponent >= 0 && exponent < POWERS_OF_TEN.length) {
            value = mantissa * POWERS_OF_TEN[exponent];
        } else if (exponent < 0 && -exponent < POWERS_OF_TEN.length) {
            value = mantissa / POWERS_OF_TEN[-exponent];
        } else {
            return slowDouble();
        }
        return negative ? -value : value;
    }

    private double slowDouble() {
        return Double.parseDouble(new String(b, numberStart, pos - numberStart, StandardCharsets.ISO_8859_1));
    }

    // ---- structure --------------------------------------------------------------------------

    /** Checks the object or array at {@code pos} and moves past it (iteratively: depth costs no stack). */
    private void skipContainer() throws SyntaxError {
        byte[] open = new byte[8];
        Object[] names = new Object[8]; // per open object: the member names seen (a Set<String>), lazily
        int depth = 0;
        boolean justOpened;
        open[depth++] = b[pos++];
        justOpened = true;
        while (true) {
            whitespace();
            byte kind = open[depth - 1];
            byte close = kind == '{' ? (byte) '}' : (byte) ']';
            byte c = peek();
            if (c == close) {
                pos++;
                names[depth - 1] = null;
                if (--depth == 0) {
                    return;
                }
                justOpened = false;
                continue;
            }
            if (!justOpened) {
                if (c != ',') {
                    throw error("expected ',' or '" + (char) close + "'");
                }
                pos++;
                whitespace();
            }
            justOpened = false;
            if (kind == '{') {
                if (peek() != '"') {
                    throw error("expected a field name");
                }
                String name = string();
                @SuppressWarnings("unchecked")
                Set<String> seen = (Set<String>) names[depth - 1];
                if (seen == null) {
                    seen = new HashSet<>();
                    names[depth - 1] = seen;
                }
                if (!seen.add(name)) {
                    throw duplicate(name);
                }
                whitespace();
                expect(':');
                whitespace();
            }
            c = peek();
            if (c == '{' || c == '[') {
                if (depth + 1 >= MAX_DEPTH) {
                    throw error("nesting deeper than " + MAX_DEPTH);
                }
                if (depth == open.length) {
                    open = java.util.Arrays.copyOf(open, depth * 2);
                    names = java.util.Arrays.copyOf(names, depth * 2);
                }
                open[depth++] = c;
                pos++;
                justOpened = true;
            } else if (c == '"') {
                skipString();
            } else if (c == 't') {
                literal("true");
            } else if (c == 'f') {
                literal("false");
            } else if (c == 'n') {
                literal("null");
            } else {
                number();
            }
        }
    }

    private void literal(String word) throws SyntaxError {
        int length = word.length();
        if (pos + length > end) {
            throw error("unexpected end of input");
        }
        for (int k = 0; k < length; k++) {
            if (b[pos + k] != word.charAt(k)) {
                throw error("unexpected character");
            }
        }
        pos += length;
    }

    private void whitespace() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private byte peek() throws SyntaxError {
        if (pos >= end) {
            throw error("unexpected end of input");
        }
        return b[pos];
    }

    private void expect(char c) throws SyntaxError {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private SyntaxError duplicate(String name) {
        return error("duplicate field '" + abbreviate(name) + "'");
    }

    private SyntaxError error(String what) {
        return new SyntaxError(what + " at byte " + pos);
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }
}
