package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.kafkaedge.testkit.ContractSchemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AggregateParserTest {

    private static final Instant START = Instant.parse("2026-11-24T18:48:00Z");

    private static Aggregate parse(String topic, String json) throws AggregateParser.MalformedAggregateException {
        return AggregateParser.parse(topic, json.getBytes(StandardCharsets.UTF_8));
    }

    private static AggregateParser.Reason reasonOf(String json) {
        try {
            parse("t", json);
        } catch (AggregateParser.MalformedAggregateException e) {
            return e.reason();
        }
        return null;
    }

    /** The contract's own example, as the repository holds it. */
    @Test
    void parsesTheContractExample() throws Exception {
        Path example = Path.of(System.getProperty("basedir", ".")).resolve("../../contract/examples/aggregate.json");
        String json = Files.readString(example);
        assertThat(ContractSchemas.errors(ContractSchemas.AGGREGATE, json)).isEmpty();
        Aggregate a = parse("prague.sensor-data-aggregated", json);
        assertThat(a).isEqualTo(new Aggregate("prague-balcony", "prague", START, START.plusSeconds(60), 58, 3L, 2L,
                new Aggregate.Stats(20.6, 20.5, 20.7), new Aggregate.Stats(54.9, 54.8, 55.0),
                new Aggregate.Stats(981.6, 981.5, 981.7), 50.0755, 14.4378));
        assertThat(a.completeness()).isEqualTo(58.0 / 60);
    }

    @Test
    void anAggregateWithoutLossFiguresIsAcceptedWithCompletenessUnknown() throws Exception {
        String legacy = Fixtures.uncheckedAggregateJson("s1", "prague", START, 20, 50, 14);
        assertThat(legacy).doesNotContain("missing", "duplicates");
        Aggregate a = parse("prague.sensor-data-aggregated", legacy);
        assertThat(a.missing()).isNull();
        assertThat(a.duplicates()).isNull();
        assertThat(a.completeness()).isNull();
        assertThat(a.count()).isEqualTo(60);
    }

    @Test
    void fixturesAreCheckedAgainstTheSchema() {
        assertThat(ContractSchemas.errors(ContractSchemas.AGGREGATE, Fixtures.aggregateJson("s1", "prague", START, 20, 50, 14, 58, 3, 2)))
                .isEmpty();
        // The validator does reject what the contract forbids (so the fixtures' check means something).
        assertThat(ContractSchemas.errors(ContractSchemas.AGGREGATE, Fixtures.uncheckedAggregateJson("s1", "prague", START, 20, 50, 14)))
                .as("no duplicates/missing").isNotEmpty();
        assertThat(ContractSchemas.errors(ContractSchemas.AGGREGATE, Fixtures.uncheckedAggregateJson("<b>x</b>", "prague", START, 20, 50, 14)
                .replace("\"count\":60", "\"count\":60,\"duplicates\":0,\"missing\":0"))).as("markup in sensorId").isNotEmpty();
        assertThatThrownBy(() -> Fixtures.aggregateJson("s1", "prague", START, 20, 50, 14, 0, 0, 0))
                .hasMessageContaining("aggregate.schema.json");
    }

    @Test
    void siteFallsBackToTheMirrorMakerTopicPrefix() throws Exception {
        String json = Fixtures.uncheckedAggregateJson("s1", null, START, 20, 50, 14);
        assertThat(parse("brno.sensor-data-aggregated", json).site()).isEqualTo("brno");
        assertThat(parse("sensor-data-aggregated", json).site()).isEqualTo("unknown");
        String blank = Fixtures.uncheckedAggregateJson("s1", " ", START, 20, 50, 14);
        assertThat(parse("ostrava.sensor-data-aggregated", blank).site()).isEqualTo("ostrava");
    }

    @Test
    void identifiersOutsideTheContractsSetAreKeptAsTextButTooLongOnesAreRejected() throws Exception {
        String hostile = "<img src=x onerror=\"window.__pwned=1\">\n'ü";
        Aggregate a = parse("t", Fixtures.uncheckedAggregateJson(hostile, "site<script>", START, 20, 50, 14));
        assertThat(a.sensorId()).isEqualTo(hostile);
        assertThat(AggregateParser.conforming(a)).isFalse();
        assertThat(AggregateParser.conforming(Fixtures.aggregate("prague-balcony.1_a", "prague", START, 20))).isTrue();
        assertThat(reasonOf(Fixtures.uncheckedAggregateJson("x".repeat(129), "prague", START, 20, 50, 14)))
                .isEqualTo(AggregateParser.Reason.INVALID_FIELD);
        assertThat(reasonOf(Fixtures.uncheckedAggregateJson("", "prague", START, 20, 50, 14)))
                .isEqualTo(AggregateParser.Reason.INVALID_FIELD);
        assertThat(reasonOf(Fixtures.uncheckedAggregateJson("s1", "p".repeat(129), START, 20, 50, 14)))
                .isEqualTo(AggregateParser.Reason.INVALID_FIELD);
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
        assertThat(reasonOf(value)).isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "count":60                                | "count":"many"                            | INVALID_FIELD | true 
            "count":60,                               | ''                                        | MISSING_FIELD | true 
            "count":60                                | "count":0                                 | OUT_OF_RANGE | true 
            "missing":0                               | "missing":-1                              | OUT_OF_RANGE | true 
            "missing":0                               | "missing":"none"                          | INVALID_FIELD | true 
            "duplicates":0                            | "duplicates":-3                           | OUT_OF_RANGE | true 
            "duplicates":0                            | "duplicates":1.5                          | INVALID_FIELD | true 
            "windowStart":"2026-11-24T18:48:00Z"      | "windowStart":"2026-11-24 18:48"          | BAD_TIMESTAMP | true 
            "windowEnd":"2026-11-24T18:49:00Z"        | "windowEnd":"2026-11-24T18:48:00Z"        | OUT_OF_RANGE | false
            "latitude":50.0                           | "latitude":95.0                           | OUT_OF_RANGE | true 
            "temperature":{"avg":20.0                 | "temperature":{"avg":120.0                | OUT_OF_RANGE | false
            "humidity":{"avg":54.9,                   | "humidity":{                              | MISSING_FIELD | true 
            "pressure":{"avg":981.6                   | "pressure":{"avg":"981.6"                 | INVALID_FIELD | true 
            """)
    void rejectsInvalidFields(String from, String to, AggregateParser.Reason reason, boolean schemaSaysSo) {
        String valid = Fixtures.aggregateJson("s1", "prague", START, 20, 50, 14);
        assertThat(valid).contains(from);
        String broken = valid.replace(from, to);
        assertThat(reasonOf(broken)).as(broken).isEqualTo(reason);
        // The schema agrees, where it can say it (it has no window order and no ranges for the summaries:
        // the frontend takes those from the reading's ranges).
        if (schemaSaysSo) {
            assertThat(ContractSchemas.errors(ContractSchemas.AGGREGATE, broken)).as(broken).isNotEmpty();
        }
    }

    /** Stricter than the schema, which calls 1e2 an integer and has no upper bound. */
    @Test
    void countsMustBePlainIntegersThatFitALong() {
        String valid = Fixtures.aggregateJson("s1", "prague", START, 20, 50, 14);
        assertThat(reasonOf(valid.replace("\"count\":60", "\"count\":1e2"))).isEqualTo(AggregateParser.Reason.INVALID_FIELD);
        assertThat(reasonOf(valid.replace("\"count\":60", "\"count\":99999999999999999999")))
                .isEqualTo(AggregateParser.Reason.INVALID_FIELD);
    }

    @Test
    void timestampsAreIsoInstants() throws Exception {
        for (String ts : List.of("2026-11-24T18:48:00.000Z", "2026-11-24T18:48:00.123456789Z", "2024-02-29T00:00:00Z")) {
            String json = Fixtures.aggregateJson("s1", "prague", START, 20, 50, 14)
                    .replace("\"windowStart\":\"" + START + "\"", "\"windowStart\":\"" + ts + "\"");
            assertThat(parse("t", json).windowStart()).isEqualTo(Instant.parse(ts));
        }
        for (String bad : List.of("not-a-timestamp", "2026-11-24T24:61:00Z", "2026-11-24 18:48:00", "2026-02-30T00:00:00Z")) {
            String json = Fixtures.aggregateJson("s1", "prague", START, 20, 50, 14)
                    .replace("\"windowStart\":\"" + START + "\"", "\"windowStart\":\"" + bad + "\"");
            assertThat(reasonOf(json)).as(bad).isEqualTo(AggregateParser.Reason.BAD_TIMESTAMP);
        }
    }

    @Test
    void emptyAndNullValuesAreRejected() throws IOException {
        assertThatThrownBy(() -> AggregateParser.parse("t", new byte[0]))
                .isInstanceOf(AggregateParser.MalformedAggregateException.class);
        assertThatThrownBy(() -> AggregateParser.parse("t", null))
                .isInstanceOf(AggregateParser.MalformedAggregateException.class);
        assertThat(reasonOf("null")).isEqualTo(AggregateParser.Reason.NOT_JSON);
    }
}
