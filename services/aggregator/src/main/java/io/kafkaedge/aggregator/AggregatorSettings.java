package io.kafkaedge.aggregator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import io.helidon.config.Config;
import io.kafkaedge.aggregator.topology.TopologySettings;
import io.kafkaedge.contract.Contract;

/**
 * The service's configuration, read once from the {@code aggregator} subtree (application.yaml,
 * overridden by environment variables; keys and variables in the README).
 *
 * @param topology        what the topology is built from
 * @param kafka           Kafka Streams / client properties, flattened from {@code aggregator.kafka}
 * @param shutdownTimeout how long closing Kafka Streams may take
 */
public record AggregatorSettings(TopologySettings topology, Map<String, String> kafka, Duration shutdownTimeout) {

    public AggregatorSettings {
        kafka = Map.copyOf(kafka);
    }

    /** Reads {@code aggregator.*} from the root configuration. */
    public static AggregatorSettings from(Config root) {
        Config a = root.get("aggregator");
        String site = a.get("site").asString().get();
        if (!Contract.isIdentifier(site)) {
            throw new IllegalArgumentException("aggregator.site (environment AGGREGATOR_SITE) is '" + site
                    + "', not an identifier: it must match " + Contract.IDENTIFIER.pattern()
                    + " (contract/reading.schema.json#/$defs/identifier)");
        }
        TopologySettings topology = new TopologySettings(
                site,
                a.get("topics.raw").asString().get(),
                a.get("topics.aggregated").asString().get(),
                a.get("topics.dlq").asString().get(),
                Duration.ofSeconds(a.get("window.seconds").asLong().get()),
                Duration.ofSeconds(a.get("grace.seconds").asLong().get()),
                Duration.ofSeconds(a.get("future.skew.seconds").asLong().get()));
        return new AggregatorSettings(topology, kafkaProperties(a.get("kafka")),
                Duration.ofSeconds(a.get("shutdown.seconds").asLong().orElse(30L)));
    }

    /**
     * Every leaf under {@code node} as a dotted Kafka property name relative to it
     * ({@code aggregator.kafka.bootstrap.servers} → {@code bootstrap.servers}); blank values are
     * left out so that unset TLS settings do not reach the clients.
     */
    static Map<String, String> kafkaProperties(Config node) {
        String prefix = node.key().toString() + ".";
        Map<String, String> properties = new TreeMap<>();
        node.traverse()
                .filter(Config::isLeaf)
                .forEach(leaf -> leaf.asString().ifPresent(value -> {
                    if (!value.isBlank()) {
                        properties.put(leaf.key().toString().substring(prefix.length()), value.strip());
                    }
                }));
        return properties;
    }

    /** The Kafka Streams configuration. */
    public Properties streamsProperties() {
        Properties properties = new Properties();
        properties.putAll(new LinkedHashMap<>(kafka));
        return properties;
    }
}
