package io.kafkaedge.frontend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/** Test data: aggregate JSON as the edge aggregator writes it, configurations, a settable clock. */
final class Fixtures {

    private Fixtures() {
    }

    /** Aggregate JSON per DESIGN.md; {@code site} may be null to exercise the topic-prefix fallback. */
    static String aggregateJson(String sensorId, String site, Instant windowStart, double temperature,
                                double latitude, double longitude) {
        String sitePart = site == null ? "" : "\"site\":\"" + site + "\",";
        return String.format(Locale.ROOT, "{\"sensorId\":\"%s\",%s\"windowStart\":\"%s\",\"windowEnd\":\"%s\","
                        + "\"count\":60,\"temperature\":{\"avg\":%.2f,\"min\":%.2f,\"max\":%.2f},"
                        + "\"humidity\":{\"avg\":54.9,\"min\":54.8,\"max\":55.0},"
                        + "\"pressure\":{\"avg\":981.6,\"min\":981.5,\"max\":981.7},"
                        + "\"latitude\":%s,\"longitude\":%s}",
                sensorId, sitePart, windowStart, windowStart.plus(Duration.ofMinutes(1)),
                temperature, temperature - 0.1, temperature + 0.1, latitude, longitude);
    }

    static Aggregate aggregate(String sensorId, String site, Instant windowStart, double temperature) {
        try {
            return AggregateParser.parse(site + ".sensor-data-aggregated",
                    aggregateJson(sensorId, site, windowStart, temperature, 50.0755, 14.4378).getBytes());
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
