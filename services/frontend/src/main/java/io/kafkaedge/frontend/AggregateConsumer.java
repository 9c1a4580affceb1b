package io.kafkaedge.frontend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the aggregate topics of all sites into the {@link SensorStore}. Every partition it is
 * given is first sought to {@code now - history.retention} so the state is rebuilt from Kafka;
 * offsets are never committed. Malformed records are counted, logged and skipped.
 *
 * <p>One thread does everything: it polls, parses and applies each record in order, then polls
 * again. So a record is applied when the consumer's position has passed it, and readiness is just
 * "every assigned partition's position reached its end offset at assignment".
 */
public final class AggregateConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AggregateConsumer.class.getName());
    private static final Duration POLL = Duration.ofMillis(500);

    private final FrontendConfig config;
    private final SensorStore store;
    private final SensorMetrics metrics;
    private final EventHub events;
    private final Clock clock;
    private final Map<String, Object> overrides;
    /** End offsets seen at assignment; a partition leaves the map once read up to there. */
    private final Map<TopicPartition, Long> rebuildTargets = new ConcurrentHashMap<>();
    private volatile boolean assigned;
    private boolean rebuildAnnounced = true;
    private volatile boolean running = true;
    private volatile Thread thread;
    private KafkaConsumer<byte[], byte[]> consumer;

    public AggregateConsumer(FrontendConfig config, SensorStore store, SensorMetrics metrics, EventHub events,
                             Clock clock, Map<String, Object> overrides) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
        this.overrides = Map.copyOf(overrides);
    }

    /** Kafka client properties built from the configuration (TLS as Strimzi provides it). */
    static Properties clientProperties(FrontendConfig.Kafka kafka) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.group());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, kafka.group() + "-consumer");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) kafka.refresh().toMillis());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        // A new site's topic then only adds its partitions instead of re-reading everything.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        // The key (the sensor id) is not needed: the value carries it.
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        FrontendConfig.Tls tls = kafka.tls();
        if (tls.enabled()) {
            p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
            p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
            p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststorePath());
            p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tls.truststorePassword());
            if (!tls.keystorePath().isBlank()) {
                p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
                p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.keystorePath());
                p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, tls.keystorePassword());
            }
        }
        return p;
    }

    /** Starts the consumer thread. */
    public AggregateConsumer start() {
        Properties props = clientProperties(config.kafka());
        props.putAll(overrides);
        consumer = new KafkaConsumer<>(props);
        thread = Thread.ofPlatform().name("aggregate-consumer").start(this::run);
        return this;
    }

    /** True once every assigned partition was read, and applied, up to where it ended when assigned. */
    public boolean rebuilt() {
        return assigned && rebuildTargets.isEmpty();
    }

    /** False once the consumer thread has died (an unrecoverable Kafka error): liveness fails, the pod restarts. */
    public boolean alive() {
        Thread t = thread;
        return t == null || t.isAlive() || !running;
    }

    private void run() {
        try {
            awaitBroker();
            consumer.subscribe(config.kafka().topics(), new SeekByTime());
            while (running) {
                process(consumer.poll(POLL));
                updateProgress();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "aggregate consumer stopped", e);
            throw e;
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Applies a batch in order, on this thread. */
    private void process(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        metrics.consumed(records.count());
        Instant reach = clock.instant().minus(config.history().retention());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            handle(record, reach);
        }
    }

    /** Not ready before the broker has answered once: "no topic yet" must come from the broker. */
    private void awaitBroker() {
        while (running) {
            try {
                boolean anyTopic = consumer.listTopics(Duration.ofSeconds(10)).keySet().stream()
                        .anyMatch(topic -> config.kafka().topics().matcher(topic).matches());
                if (!anyTopic) {
                    assigned = true; // no aggregate topic exists yet: nothing to rebuild
                }
                return;
            } catch (TimeoutException e) {
                LOG.warning(() -> "Kafka at " + config.kafka().bootstrap() + " not reachable yet, retrying");
            }
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> record, Instant reach) {
        Aggregate aggregate;
        try {
            aggregate = AggregateParser.parse(record.topic(), record.value());
        } catch (AggregateParser.MalformedAggregateException e) {
            metrics.rejected();
            LOG.warning(() -> "skipping malformed record " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " (" + e.reason().name().toLowerCase() + "): " + e.getMessage());
            return;
        }
        if (!AggregateParser.conforming(aggregate)) {
            // Kept and shown as text (the page never renders data as HTML); counted so it is seen.
            metrics.nonconforming();
        }
        if (aggregate.windowEnd().isBefore(reach)) {
            return; // beyond the history reach (a late or re-stamped record behind the seek point)
        }
        if (store.accept(aggregate) && events.clients() > 0) {
            Instant now = clock.instant();
            store.sensor(aggregate.sensorId()).ifPresent(s -> events.publish(Json.string(Json.SensorView.of(s, store, now))));
        }
    }

    private void updateProgress() {
        long lag = 0;
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        metrics.lag(lag);
        if (!rebuildTargets.isEmpty()) {
            // Records before the position have been applied (this thread applies what it polls).
            rebuildTargets.entrySet().removeIf(e -> !consumer.assignment().contains(e.getKey())
                    || consumer.position(e.getKey()) >= e.getValue());
            rebuildAnnounced = !rebuildTargets.isEmpty();
        }
        if (!rebuildAnnounced && rebuilt()) {
            rebuildAnnounced = true;
            LOG.info(() -> "state rebuilt from Kafka: " + store.size() + " sensors");
        }
    }

    /** Seeks every newly assigned partition to the start of the history reach. */
    private final class SeekByTime implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                assigned = true;
                return;
            }
            long since = clock.instant().minus(config.history().retention()).toEpochMilli();
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, since));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp found = offsets.get(tp);
                long start = found != null ? found.offset() : ends.get(tp);
                consumer.seek(tp, start);
                if (ends.get(tp) > start) {
                    rebuildTargets.put(tp, ends.get(tp));
                }
            }
            assigned = true;
            LOG.info(() -> "assigned " + partitions + "; reading from " + java.time.Instant.ofEpochMilli(since));
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(rebuildTargets::remove);
        }
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
