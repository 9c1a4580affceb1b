package io.kafkaedge.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.kafkaedge.aggregator.topology.Aggregate;
import io.kafkaedge.aggregator.topology.JsonSerde;
import io.kafkaedge.aggregator.topology.TestReadings;
import io.kafkaedge.aggregator.topology.Topics;
import io.kafkaedge.testkit.ContractSchemas;
import io.kafkaedge.testkit.KafkaFixture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service against a real Kafka broker ({@link KafkaFixture}): the real {@code Main} in a
 * child JVM, configured by environment variables, killed with SIGKILL in the middle of a window
 * and restarted; readings sent just before the kill are sent again after it (device resends). Read
 * with {@code isolation.level=read_committed}, the output holds exactly one correct aggregate per
 * sensor and window — resends counted once, as duplicates — and the DLQ each invalid record exactly once.
 */
class AggregatorIntegrationTest {

    static final int PARTITIONS = 3;
    static final int SENSORS = 24;
    static final int WINDOWS = 6;
    static final int PER_WINDOW = 6;
    /** Event time: two hours ago, on a minute boundary (windows are 1 minute, grace 10 s). */
    static final Instant BASE = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);

    static KafkaFixture kafka;

    @BeforeAll
    static void broker() {
        kafka = KafkaFixture.start();
        kafka.createTopics(PARTITIONS, List.of(Topics.RAW, Topics.AGGREGATED, Topics.DLQ));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    record Expected(long count, double min, double max, double sum) {
        Expected add(double t) {
            return new Expected(count + 1, Math.min(min, t), Math.max(max, t), sum + t);
        }
    }

    @Test
    void exactlyOneAggregatePerSensorAndWindowAcrossAKillAndRestart(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of(
                "AGGREGATOR_SITE", "it-site",
                "AGGREGATOR_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "AGGREGATOR_KAFKA_APPLICATION_ID", "aggregator-it",
                "AGGREGATOR_KAFKA_STATE_DIR", dir.resolve("state").toString(),
                "AGGREGATOR_KAFKA_COMMIT_INTERVAL_MS", "200",
                "AGGREGATOR_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000",
                "AGGREGATOR_KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000");
        Path log = Path.of("target", "aggregator-it.log");
        Files.deleteIfExists(log);

        // the data: readings for every sensor in every window, some keyless (seed firmware), some invalid
        List<ProducerRecord<String, String>> readings = new ArrayList<>();
        Map<String, Expected> expected = new HashMap<>();
        Map<String, Long> keylessReadings = new HashMap<>();
        for (int w = 0; w < WINDOWS; w++) {
            for (int i = 0; i < PER_WINDOW; i++) {
                for (int s = 0; s < SENSORS; s++) {
                    String sensor = "sensor-" + s;
                    double t = 10 + s + w * 0.5 + i * 0.01;
                    Instant time = BASE.plusSeconds(w * 60L + i * 10L + s % 7);
                    boolean keyless = s % 8 == 0;
                    readings.add(new ProducerRecord<>(Topics.RAW, keyless ? null : sensor,
                            TestReadings.reading(sensor, "boot-" + s, (long) w * PER_WINDOW + i, time, t, 50, 1000)));
                    if (keyless) {
                        keylessReadings.merge(sensor, 1L, Long::sum);
                    } else {
                        expected.merge(sensor + "@" + BASE.plusSeconds(w * 60L),
                                new Expected(1, t, t, t), (a, b) -> a.add(t));
                    }
                }
            }
        }
        List<String> invalid = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            String bad = switch (i % 3) {
                case 0 -> "not json " + i;
                case 1 -> TestReadings.reading("bad-" + i, BASE, 200);
                default -> "{\"sensorId\":\"bad-" + i + "\"}";
            };
            invalid.add(bad);
            readings.add(readings.size() * (i + 1) / 19, new ProducerRecord<>(Topics.RAW, "bad-" + i, bad));
        }

        int killAt = readings.size() * 3 / 5; // in the middle of window 3
        // the devices resend what they sent just before the kill (as after an HTTP timeout):
        // those readings' window is still open, so each must count once and show as a duplicate
        List<ProducerRecord<String, String>> resent = readings.subList(killAt - 2 * SENSORS, killAt).stream()
                .filter(r -> r.key() != null && r.key().startsWith("sensor-")).toList();
        try (KafkaProducer<String, String> producer = producer()) {
            try (AggregatorProcess first = AggregatorProcess.start(env, log)) {
                awaitReady(first);
                for (ProducerRecord<String, String> r : readings.subList(0, killAt)) {
                    producer.send(r);
                }
                producer.flush();
                // it is processing: the first window has been aggregated and committed
                await().atMost(Duration.ofSeconds(60)).until(() -> !readCommitted(Topics.AGGREGATED, 1).isEmpty());
                first.kill();
            }
            for (ProducerRecord<String, String> r : resent) {
                producer.send(r);
            }
            for (ProducerRecord<String, String> r : readings.subList(killAt, readings.size())) {
                producer.send(r);
            }
            // a reading two minutes after the last window, in every partition of both paths
            // (keyed by sensor id, and re-keyed), closes all windows
            Instant later = BASE.plusSeconds(WINDOWS * 60L + 120);
            for (int p = 0; p < PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(Topics.RAW, p, "flush-" + p, TestReadings.reading("flush-" + p, later, 20)));
                String rekeyed = idInPartition("flush-rekeyed-", p);
                producer.send(new ProducerRecord<>(Topics.RAW, p, null, TestReadings.reading(rekeyed, later, 20)));
            }
            producer.flush();
        }

        try (AggregatorProcess second = AggregatorProcess.start(env, log)) {
            awaitReady(second);
            JsonSerde<Aggregate> serde = new JsonSerde<>(Aggregate.class);
            Map<String, Aggregate> actual = new HashMap<>();
            Map<String, Long> keylessAccounted = new HashMap<>();
            List<String> dead = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            boolean settled = false;
            while (System.nanoTime() < deadline) {
                actual.clear();
                keylessAccounted.clear();
                dead.clear();
                for (ConsumerRecord<byte[], byte[]> record : readCommitted(Topics.AGGREGATED, 0)) {
                    assertThat(ContractSchemas.errors(ContractSchemas.AGGREGATE, record.value())).isEmpty();
                    Aggregate a = serde.deserializer().deserialize(Topics.AGGREGATED, record.value());
                    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(a.sensorId());
                    assertThat(actual.put(a.sensorId() + "@" + a.windowStart(), a)).as("duplicate %s", a).isNull();
                    if (keylessReadings.containsKey(a.sensorId())) {
                        keylessAccounted.merge(a.sensorId(), a.count(), Long::sum);
                    }
                }
                for (ConsumerRecord<byte[], byte[]> record : readCommitted(Topics.DLQ, 0)) {
                    String value = new String(record.value(), StandardCharsets.UTF_8);
                    String reason = new String(record.headers().lastHeader(Topics.HEADER_REASON).value(),
                            StandardCharsets.UTF_8);
                    if (reason.equals("late")) {
                        String sensor = value.substring(value.indexOf(':') + 2, value.indexOf("\",\"bootId\""));
                        keylessAccounted.merge(sensor, 1L, Long::sum);
                    } else {
                        dead.add(value);
                    }
                }
                if (settled) {
                    break;
                }
                settled = actual.keySet().containsAll(expected.keySet()) && keylessAccounted.equals(keylessReadings);
                Thread.sleep(settled ? 1500 : 500); // once complete, look again: a duplicate would show now
            }
            expected.forEach((key, e) -> {
                Aggregate a = actual.get(key);
                assertThat(a).as(key).isNotNull();
                assertThat(a.count()).as(key).isEqualTo(e.count());
                assertThat(a.temperature().min()).as(key).isEqualTo(e.min());
                assertThat(a.temperature().max()).as(key).isEqualTo(e.max());
                assertThat(a.temperature().avg()).as(key).isCloseTo(e.sum() / e.count(),
                        org.assertj.core.api.Assertions.within(1e-9));
                assertThat(a.site()).isEqualTo("it-site");
                assertThat(a.missing()).as(key).isZero();
            });
            // every resend was recognised across the kill and the restart: counted once, as a duplicate
            assertThat(expected.keySet().stream().mapToLong(key -> actual.get(key).duplicates()).sum())
                    .isEqualTo(resent.size()).isPositive();
            // keyless readings (re-keyed path): each one in exactly one aggregate or dead-lettered as late
            assertThat(keylessAccounted).isEqualTo(keylessReadings);
            assertThat(actual.keySet()).allMatch(key -> expected.containsKey(key)
                    || keylessReadings.containsKey(key.substring(0, key.indexOf('@'))));
            assertThat(dead).containsExactlyInAnyOrderElementsOf(invalid);

            String metrics = second.get("/observe/metrics");
            assertThat(metrics).containsPattern("aggregator_streams_state\\{[^}]*state=\"RUNNING\"[^}]*} 1")
                    .contains("aggregator_consumer_lag", "aggregator_process_rate")
                    .containsPattern("aggregator_aggregates_emitted_total\\{[^}]*} [1-9]")
                    .containsPattern("aggregator_readings_duplicate_total\\{[^}]*} [1-9]");

            // Exit status 143 = the JVM ran its shutdown hooks (Streams closed) and exited on SIGTERM.
            // Not the "Kafka Streams closed" log line: JUL's own shutdown hook may drop it.
            assertThat(second.terminate(Duration.ofSeconds(30))).as("exit status after SIGTERM").isEqualTo(143);
        }
    }

    /** A sensor id that the default partitioner puts into {@code partition}. */
    private static String idInPartition(String prefix, int partition) {
        for (int i = 0; ; i++) {
            byte[] id = (prefix + i).getBytes(StandardCharsets.UTF_8);
            if (Utils.toPositive(Utils.murmur2(id)) % PARTITIONS == partition) {
                return prefix + i;
            }
        }
    }

    private static void awaitReady(AggregatorProcess process) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(process.alive()).as("aggregator process alive").isTrue();
            return process.status("/observe/health/ready") == 200;
        });
        assertThat(process.status("/observe/health/live")).isEqualTo(200);
    }

    /** Every committed record of {@code topic} (or the first {@code atLeast}, if positive). */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int atLeast) {
        Properties p = kafka.clientProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (atLeast > 0 && records.size() >= atLeast) {
                    break;
                }
            }
            return records;
        }
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }
}
