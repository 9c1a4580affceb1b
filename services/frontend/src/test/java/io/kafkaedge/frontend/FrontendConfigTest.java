package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

class FrontendConfigTest {

    @Test
    void defaultsComeFromApplicationYaml() {
        FrontendConfig config = FrontendConfig.from(Config.just(ConfigSources.classpath("application.yaml")));
        assertThat(config.kafka().topics().matcher("prague.sensor-data-aggregated").matches()).isTrue();
        assertThat(config.kafka().topics().matcher("sensor-data").matches()).isFalse();
        assertThat(config.kafka().tls().enabled()).isFalse();
        assertThat(config.history().retention()).isEqualTo(Duration.ofHours(24));
        assertThat(config.history().points()).isEqualTo(1440);
        assertThat(config.sensors().staleAfter()).isEqualTo(Duration.ofMinutes(3));
        assertThat(config.sensors().completeness()).isEqualTo(0.95);
        assertThat(config.map().tiles()).contains("{z}/{x}/{y}");
    }

    @Test
    void invalidValuesAreRejectedNamingTheKey() {
        Config bad = Config.just(ConfigSources.create(Map.of("history.points", "0")));
        assertThatThrownBy(() -> FrontendConfig.from(bad)).hasMessageContaining("history.points");
        Config ratio = Config.just(ConfigSources.create(Map.of("sensors.completeness", "1.5")));
        assertThatThrownBy(() -> FrontendConfig.from(ratio)).hasMessageContaining("sensors.completeness");
        Config tls = Config.just(ConfigSources.create(Map.of("kafka.tls.enabled", "true")));
        assertThatThrownBy(() -> FrontendConfig.from(tls)).hasMessageContaining("kafka.tls.truststore.path");
    }

    /** The README's promise, checked in a real JVM with real environment variables. */
    @Test
    void environmentVariablesOverrideEveryDocumentedKey() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ConfigProbe.class.getName());
        pb.environment().putAll(Map.ofEntries(
                Map.entry("SERVER_PORT", "9191"),
                Map.entry("KAFKA_BOOTSTRAP", "hq-kafka-bootstrap:9093"),
                Map.entry("KAFKA_GROUP", "hq-frontend-0"),
                Map.entry("KAFKA_TOPICS", "sensor-data-aggregated"),
                Map.entry("KAFKA_REFRESH", "PT5S"),
                Map.entry("KAFKA_TLS_ENABLED", "true"),
                Map.entry("KAFKA_TLS_TRUSTSTORE_PATH", "/etc/kafka/ca/ca.p12"),
                Map.entry("KAFKA_TLS_TRUSTSTORE_PASSWORD", "ca-secret"),
                Map.entry("KAFKA_TLS_KEYSTORE_PATH", "/etc/kafka/user/user.p12"),
                Map.entry("KAFKA_TLS_KEYSTORE_PASSWORD", "user-secret"),
                Map.entry("HISTORY_RETENTION", "PT6H"),
                Map.entry("HISTORY_POINTS", "360"),
                Map.entry("SENSORS_WINDOW", "PT30S"),
                Map.entry("SENSORS_STALE", "5"),
                Map.entry("SENSORS_EVICT", "PT2H"),
                Map.entry("SENSORS_MAX", "500"),
                Map.entry("SENSORS_COMPLETENESS", "0.9"),
                Map.entry("MAP_TILES", "https://tiles.example/{z}/{x}/{y}.png"),
                Map.entry("MAP_ATTRIBUTION", "Example tiles")));
        pb.redirectErrorStream(true);
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(out).contains("server.port=9191",
                "bootstrap=hq-kafka-bootstrap:9093", "group=hq-frontend-0", "topics=sensor-data-aggregated",
                "refresh=PT5S", "enabled=true", "truststorePath=/etc/kafka/ca/ca.p12",
                "truststorePassword=ca-secret", "keystorePath=/etc/kafka/user/user.p12",
                "keystorePassword=user-secret", "retention=PT6H", "points=360", "window=PT30S", "stale=5",
                "evict=PT2H", "max=500", "completeness=0.9", "tiles=https://tiles.example/{z}/{x}/{y}.png",
                "attribution=Example tiles", "passwords=<redacted>");
    }
}
