package io.kafkaedge.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.kafkaedge.aggregator.topology.Topics;
import org.junit.jupiter.api.Test;

/** application.yaml's defaults, the Kafka passthrough, and environment-variable overrides. */
class AggregatorSettingsTest {

    @Test
    void defaultsAreTheContract() {
        AggregatorSettings s = AggregatorSettings.from(Config.just(ConfigSources.classpath("application.yaml")));
        assertThat(s.topology().site()).isEqualTo("local");
        assertThat(s.topology().rawTopic()).isEqualTo(Topics.RAW);
        assertThat(s.topology().aggregatedTopic()).isEqualTo(Topics.AGGREGATED);
        assertThat(s.topology().dlqTopic()).isEqualTo(Topics.DLQ);
        assertThat(s.topology().window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.topology().grace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.topology().maxFutureSkew()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.kafka()).containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("application.id", "sensor-aggregator")
                .containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("ssl.keystore.type", "PKCS12")
                .containsEntry("ssl.truststore.type", "PKCS12")
                .containsEntry("num.stream.threads", "3")
                // blank TLS locations and passwords are not passed on
                .doesNotContainKeys("ssl.keystore.location", "ssl.keystore.password",
                        "ssl.truststore.location", "ssl.truststore.password");
    }

    @Test
    void environmentVariablesOverrideKeysAndReachKafka() throws Exception {
        Map<String, String> env = Map.of(
                "AGGREGATOR_SITE", "prague",
                "AGGREGATOR_WINDOW_SECONDS", "30",
                "AGGREGATOR_GRACE_SECONDS", "5",
                "AGGREGATOR_FUTURE_SKEW_SECONDS", "3",
                "AGGREGATOR_TOPICS_DLQ", "dead",
                "AGGREGATOR_KAFKA_BOOTSTRAP_SERVERS", "edge-kafka-bootstrap:9093",
                "AGGREGATOR_KAFKA_SECURITY_PROTOCOL", "SSL",
                "AGGREGATOR_KAFKA_SSL_KEYSTORE_LOCATION", "/etc/kafka/user/user.p12",
                "AGGREGATOR_KAFKA_SSL_KEYSTORE_PASSWORD", "s3cret",
                "AGGREGATOR_KAFKA_CONSUMER_MAX_POLL_RECORDS", "2000");
        String printed = runProbe(env);
        assertThat(printed.lines().toList()).contains(
                "site=prague", "window=PT30S", "grace=PT5S", "skew=PT3S", "dlq=dead",
                "kafka.bootstrap.servers=edge-kafka-bootstrap:9093",
                "kafka.security.protocol=SSL",
                "kafka.ssl.keystore.location=/etc/kafka/user/user.p12",
                "kafka.ssl.keystore.password=s3cret",
                "kafka.consumer.max.poll.records=2000",
                "kafka.ssl.truststore.type=PKCS12");
    }

    @Test
    void aSiteThatIsNotAnIdentifierFailsAtStartNamingTheKey() {
        for (String site : List.of("", "prague site", "<b>x</b>", "a".repeat(129), "caf\u00e9")) {
            Config config = Config.builder()
                    .sources(ConfigSources.create(Map.of("aggregator.site", site)),
                            ConfigSources.classpath("application.yaml"))
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> AggregatorSettings.from(config))
                    .as(site)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("aggregator.site")
                    .hasMessageContaining("AGGREGATOR_SITE");
        }
    }

    /** Runs {@link SettingsProbe} in a fresh JVM with {@code env} added to its environment. */
    private static String runProbe(Map<String, String> env) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                SettingsProbe.class.getName()));
        pb.environment().putAll(env);
        pb.redirectErrorStream(false);
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        return out;
    }
}
