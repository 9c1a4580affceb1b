package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lean reader is a fast path: wherever it reads a record, the result must equal the
 * streaming parser's, and whatever it gives up on must end exactly as the streaming parser
 * decides (same aggregate, or same rejection reason and message).
 */
class LeanAggregateReaderTest {

    private static final Instant START = Instant.parse("2026-11-24T18:48:00Z");
    private static final String TOPIC = "prague.sensor-data-aggregated";
    private static final String VALID = Fixtures.aggregateJson("s1", "prague", START, 20, 50.0755, 14.4378);

    /** The aggregator's own output: Jackson writes each average with up to 17 digits. */
    private static final String AGGREGATOR = "{\"sensorId\":\"prague-balcony\",\"site\":\"prague\","
            + "\"windowStart\":\"2026-11-24T18:48:00Z\",\"windowEnd\":\"2026-11-24T18:49:00Z\",\"count\":7,"
            + "\"temperature\":{\"avg\":20.585714285714285,\"min\":20.5,\"max\":20.7},"
            + "\"humidity\":{\"avg\":54.914285714285711,\"min\":54.8,\"max\":55.0},"
            + "\"pressure\":{\"avg\":981.6285714285714,\"min\":981.5,\"max\":981.7},"
            + "\"latitude\":50.0755,\"longitude\":14.4378}";

    @ParameterizedTest
    @ValueSource(strings = {
        AGGREGATOR,
        "{\"sensorId\":\"s1\",\"windowStart\":\"2026-11-24T18:48:00Z\",\"windowEnd\":\"2026-11-24T18:49:00Z\","
            + "\"count\":0,\"temperature\":{\"avg\":-0.0,\"min\":-0,\"max\":0},\"humidity\":{\"max\":100,\"min\":0,\"avg\":1e1},"
            + "\"pressure\":{\"avg\":981.6,\"avg\":1.0006E3,\"min\":300.00000000000000000001,\"max\":1099.9999999999999999},"
            + "\"latitude\":-90,\"longitude\":180.0, \"site\" : null}",
        " \r\n\t{ \"longitude\" : 14 , \"latitude\" : 50.5 , \"count\" : 1 , \"site\" : \"a b\" ,"
            + " \"sensorId\" : \"x\" , \"sensorId\" : \"y\" , \"windowEnd\" : \"2026-11-24T18:49:00.000Z\" ,"
            + " \"windowStart\" : \"2026-11-24T18:48:00+00:00\" , \"temperature\" : { \"avg\" : 1.25 , \"min\" : 1 , \"max\" : 2 } ,"
            + " \"humidity\" : { \"avg\" : 2, \"min\" : 1, \"max\" : 3 } , \"pressure\" : { \"avg\" : 1000, \"min\" : 999.9, \"max\" : 1000.1 } } \n",
        "{}",
        "{\"temperature\":{}}",
    })
    void readsThePlainShapeAsTheStreamingParserDoes(String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(LeanAggregateReader.read(bytes, new AggregateParser.Wire())).as(json).isTrue();
        assertSameOutcome(bytes);
    }

    @Test
    void readsTheContractExampleAndTheFixtures() throws Exception {
        for (String json : List.of(VALID, Fixtures.aggregateJson("s2", null, START, -12.345, -33.5, -70.25))) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            assertThat(LeanAggregateReader.read(bytes, new AggregateParser.Wire())).as(json).isTrue();
            assertSameOutcome(bytes);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"sensorId\":\"s\\u0031\"}",
        "{\"sensor\\u0049d\":\"s1\"}",
        "{\"sensorId\":\"ü\"}",
        "{\"sensorId\":\"s1\",\"extra\":[1,{\"a\":null}]}",
        "{\"temperature\":{\"avg\":1,\"median\":2}}",
        "{\"sensorId\":\"s1\"} trailing",
        "{\"sensorId\":\"s1\",}",
        "{\"count\":60.0}",
        "{\"count\":1e2}",
        "{\"count\":0123}",
        "{\"count\":12345678901234567890123}",
        "{\"latitude\":01.5}",
        "{\"latitude\":1.}",
        "{\"latitude\":.5}",
        "{\"latitude\":1e}",
        "{\"latitude\":+1}",
        "{\"latitude\":NaN}",
        "{\"latitude\":123456789012345678901234567890}",
        "{\"latitude\":\"50\"}",
        "{\"site\":nul}",
        "{\"site\":42}",
        "{\"sensorId\":null}",
        "\uFEFF{\"sensorId\":\"s1\"}",
        "[{\"sensorId\":\"s1\"}]",
        "{\"sensorId\":\"s1\"",
        "{\"sensorId\" \"s1\"}",
        "{'sensorId':'s1'}",
    })
    void givesUpOnAnythingElseAndTheStreamingParserDecides(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(LeanAggregateReader.read(bytes, new AggregateParser.Wire())).as(json).isFalse();
        assertSameOutcome(bytes);
    }

    @Test
    void numbersEqualDoubleParsing() {
        Random random = new Random(42);
        for (int n = 0; n < 20_000; n++) {
            String number = randomNumber(random);
            String json = AGGREGATOR.replace("\"latitude\":50.0755", "\"latitude\":" + number);
            assertSameOutcome(json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Random edits of valid records (bytes deleted, inserted, replaced, segments repeated). */
    @Test
    void mutatedRecordsEndAsTheStreamingParserDecides() {
        Random random = new Random(7);
        String alphabet = "{}[]\":,. -+0123456789eEnul\\\tx";
        List<String> seeds = List.of(VALID, AGGREGATOR, Fixtures.aggregateJson("s3", null, START, 5.5, 1, 2));
        int leanRead = 0;
        int rejected = 0;
        for (int n = 0; n < 50_000; n++) {
            StringBuilder s = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
            for (int edits = 1 + random.nextInt(3); edits > 0 && !s.isEmpty(); edits--) {
                int at = random.nextInt(s.length());
                switch (random.nextInt(4)) {
                    case 0 -> s.deleteCharAt(at);
                    case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 2 -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> {
                        int end = Math.min(s.length(), at + 1 + random.nextInt(20));
                        s.insert(end, s.substring(at, end));
                    }
                }
            }
            byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
            if (LeanAggregateReader.read(bytes, new AggregateParser.Wire())) {
                leanRead++;
            }
            if (assertSameOutcome(bytes) instanceof String) {
                rejected++;
            }
        }
        // Both paths and both outcomes were exercised.
        assertThat(leanRead).isBetween(1_000, 49_000);
        assertThat(rejected).isBetween(1_000, 49_000);
    }

    private static String randomNumber(Random random) {
        StringBuilder s = new StringBuilder();
        if (random.nextBoolean()) {
            s.append('-');
        }
        switch (random.nextInt(4)) {
            case 0 -> s.append(random.nextInt(91));
            case 1 -> s.append(random.nextInt(90)).append('.').append(digits(random, 1 + random.nextInt(20)));
            case 2 -> s.append(String.format(Locale.ROOT, "%.17g", random.nextDouble() * 90).trim());
            default -> s.append(Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(6) - 3)));
        }
        return s.toString();
    }

    private static String digits(Random random, int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }

    private static Object assertSameOutcome(byte[] bytes) {
        String json = new String(bytes, StandardCharsets.UTF_8);
        Object lean = outcome(() -> AggregateParser.parse(TOPIC, bytes));
        Object streaming = outcome(() -> AggregateParser.parseStreaming(TOPIC, bytes));
        assertThat(lean).as(json).isEqualTo(streaming);
        return lean;
    }

    private interface Parse {
        Aggregate run() throws AggregateParser.MalformedAggregateException;
    }

    /** The aggregate, or the rejection as "REASON: message". */
    private static Object outcome(Parse parse) {
        try {
            return parse.run();
        } catch (AggregateParser.MalformedAggregateException e) {
            return e.reason() + ": " + e.getMessage();
        }
    }
}
