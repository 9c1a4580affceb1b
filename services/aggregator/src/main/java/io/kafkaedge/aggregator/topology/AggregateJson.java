package io.kafkaedge.aggregator.topology;

import java.nio.charset.StandardCharsets;

/**
 * Writes an {@link Aggregate} as the contract's JSON, byte for byte what Jackson wrote before
 * ({@code AggregateJsonTest} holds the two against each other): fields in contract order, numbers
 * as {@link Double#toString(double)} gives them, a number that is not finite as a string
 * ({@code "NaN"}), strings with JSON's escapes, a character outside the Basic Multilingual Plane
 * as its two surrogates escaped (as Jackson writes it). One aggregate per sensor and window leaves
 * the aggregator; this writer skips Jackson's per-call machinery for them.
 */
final class AggregateJson {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private AggregateJson() {
    }

    static byte[] write(Aggregate a) {
        StringBuilder json = new StringBuilder(320);
        json.append("{\"sensorId\":");
        string(json, a.sensorId());
        json.append(",\"site\":");
        string(json, a.site());
        json.append(",\"windowStart\":");
        string(json, a.windowStart());
        json.append(",\"windowEnd\":");
        string(json, a.windowEnd());
        json.append(",\"count\":").append(a.count());
        summary(json.append(",\"temperature\":"), a.temperature());
        summary(json.append(",\"humidity\":"), a.humidity());
        summary(json.append(",\"pressure\":"), a.pressure());
        number(json.append(",\"latitude\":"), a.latitude());
        number(json.append(",\"longitude\":"), a.longitude());
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void summary(StringBuilder json, Aggregate.Summary s) {
        if (s == null) {
            json.append("null");
            return;
        }
        number(json.append("{\"avg\":"), s.avg());
        number(json.append(",\"min\":"), s.min());
        number(json.append(",\"max\":"), s.max());
        json.append('}');
    }

    private static void number(StringBuilder json, double value) {
        if (Double.isFinite(value)) {
            json.append(value);
        } else {
            json.append('"').append(value).append('"');
        }
    }

    private static void string(StringBuilder json, String value) {
        if (value == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\b' -> json.append("\\b");
                case '\t' -> json.append("\\t");
                case '\n' -> json.append("\\n");
                case '\f' -> json.append("\\f");
                case '\r' -> json.append("\\r");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        json.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
                                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
