package io.kafkaedge.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import io.kafkaedge.contract.Contract;
import io.kafkaedge.testkit.ContractSchemas;
import org.junit.jupiter.api.Test;

/**
 * The tests' fixtures and the contract's own examples are what the contract says: each reading
 * fixture validates against contract/reading.schema.json and is accepted by the parser, and the
 * ranges the parser enforces are the schema's.
 */
class ContractFixturesTest {

    static final Path EXAMPLES = Path.of("..", "..", "contract", "examples");
    static final ReadingParser PARSER = ReadingParser.withoutClockCheck();

    @Test
    void readingFixturesAreContractReadings() {
        Instant t = Instant.parse("2026-11-24T18:48:56Z");
        for (String fixture : new String[] {
            TestReadings.reading("prague-balcony", "9f3a61c2", 1234, t, 20.57, 54.87, 981.59),
            TestReadings.reading("s1", t, 20.5),
            TestReadings.reading("s1", "b1", 0, t, -60),
        }) {
            assertThat(ContractSchemas.errors(ContractSchemas.READING, fixture)).as(fixture).isEmpty();
            assertThat(PARSER.parse(fixture.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .as(fixture).isInstanceOf(ParseResult.Valid.class);
        }
    }

    @Test
    void theContractsExampleReadingsAreAccepted() throws IOException {
        for (String name : new String[] {"reading.json", "reading-seed.json"}) {
            byte[] json = Files.readAllBytes(EXAMPLES.resolve(name));
            assertThat(ContractSchemas.errors(ContractSchemas.READING, json)).as(name).isEmpty();
            assertThat(PARSER.parse(json)).as(name).isInstanceOf(ParseResult.Valid.class);
        }
        assertThat(ContractSchemas.errors(ContractSchemas.AGGREGATE, Files.readAllBytes(EXAMPLES.resolve("aggregate.json"))))
                .isEmpty();
    }

    @Test
    void theParsersRangesAreTheSchemas() {
        assertThat(Contract.SEQ_MAX).isPositive();
        for (Contract.Range range : new Contract.Range[] {Contract.TEMPERATURE, Contract.HUMIDITY, Contract.PRESSURE}) {
            assertThat(range.min()).isLessThan(range.max());
            String base = TestReadings.reading("s1", "b1", 0, Instant.parse("2026-11-24T18:48:56Z"), 20, 50, 1000);
            for (double edge : new double[] {range.min(), range.max(), Math.nextDown(range.min()), Math.nextUp(range.max())}) {
                String json = base.replaceFirst("\"" + range.field() + "\":[^,]+", "\"" + range.field() + "\":" + edge);
                boolean schema = ContractSchemas.errors(ContractSchemas.READING, json).isEmpty();
                boolean parser = PARSER.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        instanceof ParseResult.Valid;
                assertThat(parser).as(json).isEqualTo(schema);
            }
        }
    }
}
