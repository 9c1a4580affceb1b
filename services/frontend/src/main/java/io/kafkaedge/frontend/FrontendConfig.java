package io.kafkaedge.frontend;

import java.time.Duration;
import java.util.regex.Pattern;

import io.helidon.config.Config;

/**
 * Typed view of the frontend's configuration (see {@code application.yaml} and the README for
 * every key and its environment variable).
 */
public record FrontendConfig(Kafka kafka, History history, Sensors sensors, MapView map) {

    /** Kafka connection: where, which topics, as which group, with which TLS material. */
    public record Kafka(String bootstrap, String group, Pattern topics, Duration refresh, Tls tls) {
    }

    /** Strimzi-style mTLS: PKCS12 truststore (cluster CA) and keystore (KafkaUser). */
    public record Tls(boolean enabled, String truststorePath, String truststorePassword,
                      String keystorePath, String keystorePassword) {

        /** Never prints the passwords. */
        @Override
        public String toString() {
            return "Tls[enabled=" + enabled + ", truststorePath=" + truststorePath
                    + ", keystorePath=" + keystorePath + ", passwords=<redacted>]";
        }
    }

    /** Per-sensor history bound: time reach and number of points. */
    public record History(Duration retention, int points) {
    }

    /**
     * Window size, staleness (in windows), eviction, the sensor count bound, and the completeness
     * below which a sensor is flagged on the map.
     */
    public record Sensors(Duration window, int stale, Duration evict, int max, double completeness) {

        /** A sensor without an aggregate for longer than this is stale. */
        public Duration staleAfter() {
            return window.multipliedBy(stale);
        }
    }

    /** What the browser needs for its basemap. */
    public record MapView(String tiles, String attribution) {
    }

    /** Reads the root configuration; missing keys take the defaults of application.yaml. */
    public static FrontendConfig from(Config root) {
        Config k = root.get("kafka");
        Config tls = k.get("tls");
        Config h = root.get("history");
        Config s = root.get("sensors");
        Config m = root.get("map");
        FrontendConfig config = new FrontendConfig(
                new Kafka(k.get("bootstrap").asString().orElse("localhost:9092"),
                        k.get("group").asString().orElse("hq-frontend"),
                        Pattern.compile(k.get("topics").asString().orElse(".*sensor-data-aggregated")),
                        k.get("refresh").as(Duration.class).orElse(Duration.ofSeconds(30)),
                        new Tls(tls.get("enabled").asBoolean().orElse(false),
                                tls.get("truststore.path").asString().orElse(""),
                                tls.get("truststore.password").asString().orElse(""),
                                tls.get("keystore.path").asString().orElse(""),
                                tls.get("keystore.password").asString().orElse(""))),
                new History(h.get("retention").as(Duration.class).orElse(Duration.ofHours(24)),
                        h.get("points").asInt().orElse(1440)),
                new Sensors(s.get("window").as(Duration.class).orElse(Duration.ofMinutes(1)),
                        s.get("stale").asInt().orElse(3),
                        s.get("evict").as(Duration.class).orElse(Duration.ofHours(24)),
                        s.get("max").asInt().orElse(10_000),
                        s.get("completeness").asDouble().orElse(0.95)),
                new MapView(m.get("tiles").asString().orElse(""),
                        m.get("attribution").asString().orElse("")));
        config.validate();
        return config;
    }

    private void validate() {
        require(!kafka.bootstrap().isBlank(), "kafka.bootstrap must not be empty");
        require(!kafka.group().isBlank(), "kafka.group must not be empty");
        require(history.points() > 0, "history.points must be positive");
        require(!history.retention().isNegative() && !history.retention().isZero(), "history.retention must be positive");
        require(sensors.stale() > 0, "sensors.stale must be positive");
        require(sensors.max() > 0, "sensors.max must be positive");
        require(sensors.completeness() >= 0 && sensors.completeness() <= 1, "sensors.completeness must be within 0..1");
        require(!sensors.window().isNegative() && !sensors.window().isZero(), "sensors.window must be positive");
        if (kafka.tls().enabled()) {
            require(!kafka.tls().truststorePath().isBlank(), "kafka.tls.truststore.path is required when kafka.tls.enabled");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
