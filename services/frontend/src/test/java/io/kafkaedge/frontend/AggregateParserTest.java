package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AggregateParserTest {

    private static final Instant START = Instant.parse("2026-11-24T18:48:00Z");

    @Test
    void parsesTheDesignContract() throws Exception {
        String json = """
                {"sensorId": "prague-balcony", "site": "prague",
                 "windowStart": "2026-11-24T18:48:00Z", "windowEnd": "2026-11-24T18:49:00Z", "count": 60,
                 "temperature": {"avg": 20.6, "min": 20.5, "max": 20.7},
                 "humidity": {"avg": 54.9, "min": 54.8, "max": 55.0},
                 "pressure": {"avg": 981.6, "min": 981.5, "max": 981.7},
                 "latitude": 50.0755, "longitude": 14.4378, "extra": "ignored"}""";
        Aggregate a = AggregateParser.parse("prague.sensor-data-aggregated", json.getBytes(StandardCharsets.UTF_8));
        assertThat(a).isEqualTo(new Aggregate("prague-balcony", "prague", START, START.plusSeconds(60), 60,
                new Aggregate.Stats(20.6, 20.5, 20.7), new Aggregate.Stats(54.9, 54.8, 55.0),
                new Aggregate.Stats(981.6, 981.5, 981.7), 50.0755, 14.4378));
    }

    @Test
    void siteFallsBackToTheMirrorMakerTopicPrefix() throws Exception {
        byte[] json = Fixtures.aggregateJson("s1", null, START, 20, 50, 14).getBytes(StandardCharsets.UTF_8);
        assertThat(AggregateParser.parse("brno.sensor-data-aggregated", json).site()).isEqualTo("brno");
        assertThat(AggregateParser.parse("sensor-data-aggregated", json).site()).isEqualTo("unknown");
        byte[] blank = Fixtures.aggregateJson("s1", " ", START, 20, 50, 14).getBytes(StandardCharsets.UTF_8);
        assertThat(AggregateParser.parse("ostrava.sensor-data-aggregated", blank).site()).isEqualTo("ostrava");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            not json at all                                                     | NOT_JSON
            {"sensorId": "s1"                                                   | NOT_JSON
            {}                                                                  | MISSING_FIELD
            {"sensorId": 42}                                                    | INVALID_FIELD
            [1, 2]                                                              | NOT_JSON
            {"sensorId": "s1"}                                                  | MISSING_FIELD
            {"sensorId": {"a": 1}, "windowStart": "x"}                          | INVALID_FIELD
            """)
    void rejectsGarbageWithAReason(String value, AggregateParser.Reason reason) {
        assertThatThrownBy(() -> AggregateParser.parse("t", value.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(AggregateParser.MalformedAggregateException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "count":60                                | "count":"many"                            | INVALID_FIELD
            "count":60,                               | ''                                        | MISSING_FIELD
            "windowStart":"2026-11-24T18:48:00Z"      | "windowStart":"2026-11-24 18:48"          | BAD_TIMESTAMP
            "latitude":50.0                           | "latitude":95.0                           | OUT_OF_RANGE
            "temperature":{"avg":20.00                | "temperature":{"avg":120.0                | OUT_OF_RANGE
            "humidity":{"avg":54.9,                   | "humidity":{                              | MISSING_FIELD
            """)
    void rejectsInvalidFields(String from, String to, AggregateParser.Reason reason) {
        String valid = Fixtures.aggregateJson("s1", "prague", START, 20, 50, 14);
        assertThat(valid).contains(from);
        byte[] broken = valid.replace(from, to).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> AggregateParser.parse("t", broken))
                .isInstanceOfSatisfying(AggregateParser.MalformedAggregateException.class,
                        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    @Test
    void timestampsOutsideTheFastPathStillParse() throws Exception {
        for (String ts : List.of("2026-11-24T18:48:00.000Z", "2026-11-24T18:48:00+00:00", "2024-02-29T00:00:00Z")) {
            String json = Fixtures.aggregateJson("s1", "prague", START, 20, 50, 14)
                    .replace("\"windowStart\":\"" + START + "\"", "\"windowStart\":\"" + ts + "\"");
            Instant expected = java.time.OffsetDateTime.parse(ts).toInstant();
            assertThat(AggregateParser.parse("t", json.getBytes(StandardCharsets.UTF_8)).windowStart()).isEqualTo(expected);
        }
        for (String bad : List.of("not-a-timestamp", "2026-11-24T24:61:00Z", "2026-11-24 18:48:00")) {
            String json = Fixtures.aggregateJson("s1", "prague", START, 20, 50, 14)
                    .replace("\"windowStart\":\"" + START + "\"", "\"windowStart\":\"" + bad + "\"");
            assertThatThrownBy(() -> AggregateParser.parse("t", json.getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfSatisfying(AggregateParser.MalformedAggregateException.class,
                            e -> assertThat(e.reason()).isEqualTo(AggregateParser.Reason.BAD_TIMESTAMP));
        }
    }

    @Test
    void emptyAndNullValuesAreRejected() {
        assertThatThrownBy(() -> AggregateParser.parse("t", new byte[0]))
                .isInstanceOf(AggregateParser.MalformedAggregateException.class);
        assertThatThrownBy(() -> AggregateParser.parse("t", null))
                .isInstanceOf(AggregateParser.MalformedAggregateException.class);
        assertThatThrownBy(() -> AggregateParser.parse("t", "null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(AggregateParser.MalformedAggregateException.class);
    }
}
