package io.kafkaedge.frontend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/** The repository's contract/aggregate.schema.json (with the reading schema it refers to), as a validator. */
final class ContractSchema {

    private static final String BASE = "https://kafka-edge.invalid/contract/";
    private static final Schema AGGREGATE;

    static {
        Path contract = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../../contract").normalize();
        try {
            Map<String, String> schemas = Map.of(
                    BASE + "aggregate.schema.json", Files.readString(contract.resolve("aggregate.schema.json")),
                    BASE + "reading.schema.json", Files.readString(contract.resolve("reading.schema.json")));
            SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                    builder -> builder.schemas(schemas));
            AGGREGATE = registry.getSchema(SchemaLocation.of(BASE + "aggregate.schema.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ContractSchema() {
    }

    /** The schema's errors for one aggregate (empty: valid). */
    static List<Error> aggregateErrors(String json) {
        return AGGREGATE.validate(json, InputFormat.JSON);
    }

    /** Returns {@code json} if it is a valid aggregate, else throws naming the errors. */
    static String validAggregate(String json) {
        List<Error> errors = aggregateErrors(json);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("fixture breaks contract/aggregate.schema.json: " + errors + "\n" + json);
        }
        return json;
    }
}
