package io.kafkaedge.testkit;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Kafka broker for integration tests. Which one is chosen by the system property
 * {@code kafka.fixture} (or the environment variable {@code KAFKA_FIXTURE}):
 * <ul>
 *   <li>{@code embedded} (default) — Kafka's own KRaft test cluster inside the test JVM;</li>
 *   <li>{@code container} — a Testcontainers Kafka container (needs a Docker API endpoint:
 *       a Docker engine, or podman's {@code podman system service}), image from
 *       {@code kafka.fixture.image}.</li>
 * </ul>
 * The same tests run against either.
 */
public interface KafkaFixture extends AutoCloseable {

    /** {@code host:port} list for clients. */
    String bootstrapServers();

    /** Which implementation this is, for test reports. */
    String kind();

    @Override
    void close();

    /** Starts the fixture chosen by configuration; the caller closes it. */
    static KafkaFixture start() {
        String kind = System.getProperty("kafka.fixture", System.getenv().getOrDefault("KAFKA_FIXTURE", "embedded"));
        return switch (kind) {
            case "embedded" -> EmbeddedKafka.start();
            case "container" -> ContainerKafka.start(System.getProperty("kafka.fixture.image",
                    System.getenv().getOrDefault("KAFKA_FIXTURE_IMAGE", ContainerKafka.DEFAULT_IMAGE)));
            default -> throw new IllegalArgumentException(
                    "kafka.fixture must be 'embedded' or 'container', was '" + kind + "'");
        };
    }

    /** Admin client properties for this broker. */
    default Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Creates the topics (idempotent) with the given partition count and replication factor 1. */
    default void createTopics(int partitions, Collection<String> names) {
        createTopics(partitions, Map.of(), names);
    }

    /** Creates the topics (idempotent) with partitions, per-topic configs and replication factor 1. */
    default void createTopics(int partitions, Map<String, String> configs, Collection<String> names) {
        try (Admin admin = Admin.create(clientProperties())) {
            List<NewTopic> topics = names.stream()
                    .map(n -> new NewTopic(n, partitions, (short) 1).configs(configs))
                    .toList();
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("creating topic " + entry.getKey(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, names);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("topic creation timed out", e);
        }
    }

    /**
     * Waits until every partition of {@code names} has a leader that hosts it. A created topic is not
     * writable at once. The broker's metadata names a leader before the leader has created the
     * partition's log, and a produce request in that gap gets NOT_LEADER_OR_FOLLOWER. An
     * idempotent producer then has its first batch (sequence 0) refused while the batches behind
     * it are appended; the retried first batch gets OUT_OF_ORDER_SEQUENCE_NUMBER until the
     * delivery timeout expires it, and those records are lost (seen on a loaded 2-core machine).
     * A ListOffsets request goes to the partition's log like a produce request, so its answer
     * closes the gap.
     */
    private static void awaitLeaders(Admin admin, Collection<String> names)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                boolean led = topics.values().stream()
                        .allMatch(topic -> topic.partitions().stream().allMatch(p -> p.leader() != null));
                if (led) {
                    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
                    topics.values().forEach(topic -> topic.partitions().forEach(
                            p -> query.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest())));
                    admin.listOffsets(query).all().get(10, TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // metadata or log not there yet (UnknownTopicOrPartition, NotLeaderOrFollower): look again
            }
            if (System.nanoTime() > deadline) {
                throw new java.util.concurrent.TimeoutException("no leader hosting every partition of " + names);
            }
            Thread.sleep(50);
        }
    }

    /** How long the fixtures wait for a broker to become ready. */
    Duration READY_TIMEOUT = Duration.ofSeconds(60);
}
