package io.kafkaedge.frontend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.kafkaedge.testkit.ContractSchemas;

/**
 * Test data: aggregate JSON as the edge aggregator writes it (every one checked against
 * contract/aggregate.schema.json, except those built on purpose to break it), configurations, a
 * settable clock.
 */
final class Fixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** A valid aggregate: 60 readings, none missing or repeated. */
    static String aggregateJson(String sensorId, String site, Instant windowStart, double temperature,
                                double latitude, double longitude) {
        return aggregateJson(sensorId, site, windowStart, temperature, latitude, longitude, 60, 0, 0);
    }

    /** A valid aggregate with the given loss figures. */
    static String aggregateJson(String sensorId, String site, Instant windowStart, double temperature,
                                double latitude, double longitude, long count, long duplicates, long missing) {
        ObjectNode node = node(sensorId, site, windowStart, temperature, latitude, longitude, count);
        node.put("duplicates", duplicates);
        node.put("missing", missing);
        return ContractSchemas.validAggregate(node.toString());
    }

    /**
     * An aggregate as an aggregator older than {@code duplicates}/{@code missing} wrote it, or with
     * strings the contract forbids, or without {@code site} (null): not schema-valid on purpose.
     */
    static String uncheckedAggregateJson(String sensorId, String site, Instant windowStart, double temperature,
                                         double latitude, double longitude) {
        return node(sensorId, site, windowStart, temperature, latitude, longitude, 60).toString();
    }

    private static ObjectNode node(String sensorId, String site, Instant windowStart, double temperature,
                                   double latitude, double longitude, long count) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sensorId", sensorId);
        if (site != null) {
            n.put("site", site);
        }
        n.put("windowStart", windowStart.toString());
        n.put("windowEnd", windowStart.plus(Duration.ofMinutes(1)).toString());
        n.put("count", count);
        stats(n.putObject("temperature"), round(temperature), round(temperature - 0.1), round(temperature + 0.1));
        stats(n.putObject("humidity"), 54.9, 54.8, 55.0);
        stats(n.putObject("pressure"), 981.6, 981.5, 981.7);
        n.put("latitude", latitude);
        n.put("longitude", longitude);
        return n;
    }

    private static void stats(ObjectNode n, double avg, double min, double max) {
        n.put("avg", avg).put("min", min).put("max", max);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static Aggregate aggregate(String sensorId, String site, Instant windowStart, double temperature) {
        return parse(site, aggregateJson(sensorId, site, windowStart, temperature, 50.0755, 14.4378));
    }

    static Aggregate aggregate(String sensorId, String site, Instant windowStart, double temperature,
                               long count, long duplicates, long missing) {
        return parse(site, aggregateJson(sensorId, site, windowStart, temperature, 50.0755, 14.4378,
                count, duplicates, missing));
    }

    private static Aggregate parse(String site, String json) {
        try {
            return AggregateParser.parse(site + ".sensor-data-aggregated", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (AggregateParser.MalformedAggregateException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The application.yaml defaults with some keys replaced. */
    static FrontendConfig config(Map<String, String> overrides) {
        return FrontendConfig.from(Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(overrides), ConfigSources.classpath("application.yaml"))
                .build());
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
