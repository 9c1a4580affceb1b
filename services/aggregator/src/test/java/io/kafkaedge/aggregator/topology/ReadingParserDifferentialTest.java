package io.kafkaedge.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkaedge.testkit.ContractSchemas;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * {@link ReadingParser} (Jackson's streaming parser plus the contract's rules) against the contract
 * itself, contract/reading.schema.json under a maintained JSON Schema validator, and against an
 * independent number conversion (BigDecimal). For readings, near-readings, broken JSON text and the
 * old differential corpus:
 * <ul>
 *   <li>a document the parser accepts (with a sensorId: the seed's readings without one are a legacy
 *       form outside the contract) is valid under the schema once its timestamp is written in the
 *       contract's form — every other rule (types, ranges, identifiers, bootId with seq) agrees;</li>
 *   <li>a document valid under the schema is accepted, except for what the schema cannot say: a
 *       calendar-invalid or pre-1970 timestamp (bad_timestamp), one too far in the future
 *       (future_timestamp), an integral seq written with a fraction or exponent (invalid_field);</li>
 *   <li>every value of an accepted reading is the document's number, correctly rounded.</li>
 * </ul>
 */
class ReadingParserDifferentialTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T19:00:00Z"), ZoneOffset.UTC);
    static final Duration SKEW = Duration.ofSeconds(10);
    static final ReadingParser PARSER = new ReadingParser(CLOCK, SKEW);
    static final ObjectMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    static void assertSameOutcome(byte[] input) {
        ParseResult actual = PARSER.parse(input);
        assertThat(actual.raw()).isSameAs(input);
        String text = new String(input, StandardCharsets.UTF_8);
        JsonNode tree;
        try {
            tree = EXACT.readTree(input);
        } catch (IOException e) {
            tree = null;
        } catch (NumberFormatException e) {
            return; // a number BigDecimal cannot hold (exponent overflow): no oracle for its value
        }
        if (!(tree instanceof ObjectNode document)) {
            assertThat(actual).as(text).isInstanceOf(ParseResult.Rejected.class);
            assertThat(((ParseResult.Rejected) actual).reason()).as(text).isEqualTo(Reason.NOT_JSON);
            return;
        }
        // the schema validator reads text: a UTF-8 byte order mark is not part of the document
        // (the validator gives up on some documents — nesting deeper than its reader allows, a huge
        // float where an integer belongs: those are judged by the other checks only)
        boolean schemaValid;
        try {
            schemaValid = ContractSchemas.errors(ContractSchemas.READING,
                    text.startsWith("\uFEFF") ? text.substring(1) : text).isEmpty();
        } catch (RuntimeException validatorGaveUp) {
            schemaValid = false;
        }
        if (actual instanceof ParseResult.Valid valid) {
            Reading r = valid.reading();
            if (r.sensorId() != null) {
                ObjectNode canonical = document.deepCopy();
                canonical.put("timestamp", Instant.ofEpochMilli(r.eventTimeMs()).toString());
                assertThat(ContractSchemas.errors(ContractSchemas.READING, canonical.toString())).as(text).isEmpty();
            }
            assertThat(r.temperature()).as(text).isEqualTo(exact(document, "temperature"));
            assertThat(r.humidity()).as(text).isEqualTo(exact(document, "humidity"));
            assertThat(r.pressure()).as(text).isEqualTo(exact(document, "pressure"));
            assertThat(r.latitude()).as(text).isEqualTo(exact(document, "latitude"));
            assertThat(r.longitude()).as(text).isEqualTo(exact(document, "longitude"));
            if (r.seq() != null) {
                assertThat(r.seq()).as(text).isEqualTo(document.get("seq").longValue());
            }
        } else if (schemaValid) {
            ParseResult.Rejected rejected = (ParseResult.Rejected) actual;
            boolean seqWrittenAsFloat = document.get("seq") != null && document.get("seq").isFloatingPointNumber();
            assertThat(rejected.reason()).as(text + " (" + rejected.detail() + ")")
                    .isIn(seqWrittenAsFloat ? List.of(Reason.INVALID_FIELD, Reason.BAD_TIMESTAMP, Reason.FUTURE_TIMESTAMP)
                            : List.of(Reason.BAD_TIMESTAMP, Reason.FUTURE_TIMESTAMP));
        }
        if (actual instanceof ParseResult.Rejected rejected) {
            assertThat(rejected.detail()).as(text).isNotBlank();
        }
    }

    private static double exact(ObjectNode document, String field) {
        return new BigDecimal(document.get(field).asText()).doubleValue();
    }

    @Property(tries = 3000)
    void agreesOnReadingsAndNearReadings(@ForAll("documents") String document) {
        assertSameOutcome(document.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 3000)
    void agreesOnMutatedReadings(@ForAll("documents") String document, @ForAll("mutations") List<Tuple.Tuple3<Integer, Integer, Character>> edits) {
        StringBuilder text = new StringBuilder(document);
        for (Tuple.Tuple3<Integer, Integer, Character> edit : edits) {
            if (text.isEmpty()) {
                break;
            }
            int at = edit.get2() % text.length();
            switch (edit.get1()) {
                case 0 -> text.deleteCharAt(at);
                case 1 -> text.insert(at, edit.get3());
                case 2 -> text.setCharAt(at, edit.get3());
                default -> text.setLength(at);
            }
        }
        assertSameOutcome(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Example
    void agreesOnEdgeCasesOfNumbersStringsAndStructure() {
        List<String> cases = List.of(
                reading("20.5", "\"s\""), reading("-0", "\"s\""), reading("-0.0", "\"s\""), reading("1e1", "\"s\""),
                reading("1E+1", "\"s\""), reading("2.5e-1", "\"s\""), reading("0.1", "\"s\""),
                reading("12345678901234567890", "\"s\""), reading("1.23456789012345678", "\"s\""),
                reading("123456789012345", "\"s\""), reading("123456789012345678", "\"s\""),
                reading("1234567890123456789", "\"s\""), reading("9999999999999999999", "\"s\""),
                reading("-999999999999999999", "\"s\""), reading("123.456789012345", "\"s\""),
                reading("1234.56789012345678", "\"s\""), reading("0.000000000000000000123", "\"s\""),
                reading("100000000000000000000.5", "\"s\""), reading("1.5e0022", "\"s\""), reading("1.5e00022", "\"s\""),
                reading("9.5e-22", "\"s\""), reading("9.5e-23", "\"s\""), reading("1e22", "\"s\""), reading("1e23", "\"s\""),
                reading("0e5", "\"s\""), reading("-0.0e-5", "\"s\""), reading("1E", "\"s\""), reading("1e+", "\"s\""),
                reading("4.9e-324", "\"s\""), reading("1e400", "\"s\""), reading("01", "\"s\""), reading("1.", "\"s\""),
                reading(".5", "\"s\""), reading("+1", "\"s\""), reading("NaN", "\"s\""), reading("-", "\"s\""),
                reading("20", "\"caf\\u00e9\""), reading("20", "\"café\""), reading("20", "\"\\ud83d\\ude00\""),
                reading("20", "\"a\\qb\""), reading("20", "\"tab\there\""), reading("20", "\"\\/\\\\\\\"\""),
                reading("20", "\"\""), reading("20", "\"   \""), reading("20", "null"), reading("20", "7"),
                reading("\"20\"", "\"s\""), reading("true", "\"s\""), reading("[20]", "\"s\""), reading("{}", "\"s\""),
                "\uFEFF" + reading("20", "\"s\""),
                "[]", "{}", "{\"a\":1}", "{\"a\":1,}", "{\"a\":1,\"a\":2}", "{\"x\":{\"a\":1,\"a\":2}}",
                "{\"seq\":1,\"s\\u0065q\":2}", "{\"x\":[1,2,]}", "{\"x\":[1 2]}", "{} {}", "{}x", "{\"x\":tru}",
                "{\"x\":nul}", "{\"x\":\"unterminated}", "{\"x\":1}   \n", " {\"x\":[[[[]]]]} ",
                "{\"seq\":9223372036854775807}", "{\"seq\":9223372036854775808}", "{\"seq\":-9223372036854775808}",
                "{\"seq\":-9223372036854775809}", "{\"seq\":1.0}",
                reading("20", "\"a b\""), reading("20", "\"<b>x</b>\""), reading("20", "\"" + "a".repeat(128) + "\""),
                reading("20", "\"" + "a".repeat(129) + "\""), reading("20", "\"A-z_0.9\""),
                reading("20", "\"s\"").replace("\"bootId\":\"b-1\",", ""),
                reading("20", "\"s\"").replace("\"seq\":3,", ""),
                reading("20", "\"s\"").replace("\"b-1\"", "\"b 1\""),
                reading("20", "\"s\"").replace("\"b-1\"", "7"),
                reading("20", "\"s\"").replace("\"seq\":3", "\"seq\":9007199254740991"),
                reading("20", "\"s\"").replace("\"seq\":3", "\"seq\":9007199254740992"),
                reading("-60", "\"s\""), reading("85", "\"s\""), reading("85.0000001", "\"s\""), "{\"seq\":\"1\"}", "{\"seq\":-1}",
                "{\"x\":" + "[".repeat(998) + "]".repeat(998) + "}", "{\"x\":" + "[".repeat(1200) + "]".repeat(1200) + "}");
        for (String text : cases) {
            assertSameOutcome(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Example
    void agreesOnMalformedUtf8() {
        byte[][] cases = {
            {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, '"', '}'},
            {'{', '"', 'x', '"', ':', '"', (byte) 0xFF, '"', '}'},
            {'{', '"', (byte) 0xC3, (byte) 0xA9, '"', ':', '1', '}'},
            {'{', '"', 'x', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'},
        };
        for (byte[] input : cases) {
            assertThat(PARSER.parse(input)).isInstanceOf(ParseResult.Rejected.class);
        }
        assertSameOutcome(new byte[] {'{', '"', (byte) 0xC3, (byte) 0xA9, '"', ':', '1', '}'});
    }

    static String reading(String temperature, String sensorId) {
        return "{\"sensorId\":" + sensorId + ",\"bootId\":\"b-1\",\"seq\":3,\"timestamp\":\"2026-11-24T18:48:01Z\",\"temperature\":"
                + temperature + ",\"humidity\":40,\"pressure\":1000.25,\"latitude\":50.08,\"longitude\":14.42}";
    }

    @Provide
    Arbitrary<String> documents() {
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.doubles().between(-100, 1200).ofScale(3).map(d -> Double.toString(d)),
                Arbitraries.doubles().between(-100, 1200).ofScale(2).map(d -> String.format(java.util.Locale.ROOT, "%.2f", d)),
                Arbitraries.longs().between(-2000, 2000).map(l -> Long.toString(l)),
                Arbitraries.longs().map(l -> Long.toString(l)),
                Arbitraries.of("0", "-0", "0.0", "-0.0", "1e2", "1E-2", "2.5e+1", "12345678901234567890", "0.30000000000000004",
                        "1e400", "-1e400", "4.9e-324", "1.7976931348623157e308", "9223372036854775808", "00", "1.e1", "-"));
        Arbitrary<String> string = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(12),
                Arbitraries.strings().ofMaxLength(6),
                Arbitraries.of("2026-11-24T18:48:01Z", "2026-11-24 18:48:01", "2026-11-24T18:48:01.250Z",
                        "2026-11-24T18:48:01+01:00", "2026-11-24T18:48:01", "2026-13-24T18:48:01Z", "1969-12-31T23:59:59Z",
                        "2031-01-01T00:00:00Z", "yesterday", "", "   ", "s\u00e9", "x".repeat(130)))
                .map(ReadingParserDifferentialTest::quote);
        Arbitrary<String> scalar = Arbitraries.frequencyOf(
                Tuple.of(6, number), Tuple.of(4, string), Tuple.of(1, Arbitraries.of("true", "false", "null")));
        Arbitrary<String> nested = Arbitraries.oneOf(
                scalar.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]"),
                Combinators.combine(Arbitraries.of("a", "b", "a"), scalar).as((k, v) -> quote(k) + ":" + v)
                        .list().ofMaxSize(3).map(l -> "{" + String.join(",", l) + "}"));
        Arbitrary<String> value = Arbitraries.frequencyOf(Tuple.of(10, scalar), Tuple.of(1, nested));
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.of("sensorId", "bootId", "seq", "timestamp", "temperature", "humidity", "pressure",
                        "latitude", "longitude")),
                Tuple.of(1, Arbitraries.of("extra", "Temperature", "temp\\u0065rature", "sensor\\u0049d")));
        Arbitrary<String> member = Combinators.combine(name, value, Arbitraries.of("", " ", "\n\t"))
                .as((n, v, ws) -> "\"" + n + "\"" + ws + ":" + ws + v);
        Arbitrary<String> full = Combinators.combine(number, number, number, number, number, string, string)
                .as((t, h, p, la, lo, id, ts) -> {
                    List<String> members = new ArrayList<>(List.of("\"temperature\":" + t, "\"humidity\":" + h,
                            "\"pressure\":" + p, "\"latitude\":" + la, "\"longitude\":" + lo, "\"sensorId\":" + id,
                            "\"timestamp\":" + ts));
                    return "{" + String.join(",", members) + "}";
                });
        Arbitrary<String> plausible = Combinators.combine(
                Arbitraries.doubles().between(-60, 85).ofScale(2), Arbitraries.doubles().between(0, 100).ofScale(1),
                Arbitraries.doubles().between(300, 1100).ofScale(2), Arbitraries.doubles().between(-90, 90).ofScale(5),
                Arbitraries.doubles().between(-180, 180).ofScale(5), Arbitraries.integers().between(0, 59))
                .as((t, h, p, la, lo, s) -> "{\"sensorId\":\"s-1\",\"bootId\":\"9f3a61c2\",\"seq\":" + s + ",\"timestamp\":\"2026-11-24T18:48:"
                        + (s < 10 ? "0" : "") + s + "Z\",\"temperature\":" + t + ",\"humidity\":" + h + ",\"pressure\":"
                        + p + ",\"latitude\":" + la + ",\"longitude\":" + lo + "}");
        Arbitrary<String> random = member.list().ofMaxSize(10).map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.frequencyOf(Tuple.of(3, plausible), Tuple.of(3, full), Tuple.of(4, random));
    }

    @Provide
    Arbitrary<List<Tuple.Tuple3<Integer, Integer, Character>>> mutations() {
        Arbitrary<Character> chars = Arbitraries.oneOf(Arbitraries.of('{', '}', '[', ']', '"', ',', ':', '\\', '-', '.',
                'e', '0', '1', ' ', 'n', 't', '\u0001', '\u00e9'), Arbitraries.chars().ascii());
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 10_000), chars)
                .as(Tuple::of).list().ofMinSize(1).ofMaxSize(3);
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
