package io.kafkaedge.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * The contract's JSON Schemas (contract/*.schema.json, on the classpath through the contract
 * module) with a maintained validator, for the services' tests: fixtures and emitted aggregates
 * must validate.
 */
public final class ContractSchemas {

    private static final String BASE = "https://kafka-edge.invalid/contract/";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemas(Map.of(
                    BASE + "reading.schema.json", resource("reading.schema.json"),
                    BASE + "aggregate.schema.json", resource("aggregate.schema.json"))));
    public static final Schema READING = REGISTRY.getSchema(SchemaLocation.of(BASE + "reading.schema.json"));
    public static final Schema AGGREGATE = REGISTRY.getSchema(SchemaLocation.of(BASE + "aggregate.schema.json"));

    private ContractSchemas() {
    }

    /** The schema's complaints about {@code json} (empty: valid). */
    public static List<String> errors(Schema schema, String json) {
        return schema.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
    }

    public static List<String> errors(Schema schema, byte[] json) {
        return errors(schema, new String(json, StandardCharsets.UTF_8));
    }

    /** Returns {@code json} if it is a valid aggregate, else throws naming the errors (for fixtures). */
    public static String validAggregate(String json) {
        List<String> errors = errors(AGGREGATE, json);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("fixture breaks contract/aggregate.schema.json: " + errors + "\n" + json);
        }
        return json;
    }

    private static String resource(String name) {
        try (InputStream in = ContractSchemas.class.getResourceAsStream("/contract/" + name)) {
            if (in == null) {
                throw new IllegalStateException("/contract/" + name + " is not on the classpath (the contract module puts it there)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
