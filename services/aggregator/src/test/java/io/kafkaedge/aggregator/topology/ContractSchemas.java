package io.kafkaedge.aggregator.topology;

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
 * The contract's JSON Schemas (contract/*.schema.json, on the classpath as the build copies them)
 * with a maintained validator, for tests: fixtures and emitted aggregates must validate.
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

    private static String resource(String name) {
        try (InputStream in = ContractSchemas.class.getResourceAsStream("/contract/" + name)) {
            if (in == null) {
                throw new IllegalStateException("/contract/" + name + " is not on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
