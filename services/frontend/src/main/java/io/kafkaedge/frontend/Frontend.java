package io.kafkaedge.frontend;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.metrics.api.MeterRegistry;

/** The frontend's parts, built from configuration and closed together. {@link Main} wires them to a server. */
public final class Frontend implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Frontend.class.getName());

    private final FrontendConfig config;
    private final SensorStore store;
    private final SensorMetrics metrics;
    private final EventHub events;
    private final SensorApi api;
    private final SecurityHeaders securityHeaders;
    private final AggregateConsumer consumer;
    private final ScheduledExecutorService evictor;

    private Frontend(FrontendConfig config, Clock clock, MeterRegistry registry, Map<String, Object> kafkaOverrides) {
        this.config = config;
        this.store = new SensorStore(config, clock);
        this.metrics = new SensorMetrics(registry);
        this.store.addListener(metrics);
        this.events = new EventHub();
        this.api = new SensorApi(config, store, events);
        this.securityHeaders = new SecurityHeaders(config.map());
        this.consumer = new AggregateConsumer(config, store, metrics, events, clock, kafkaOverrides);
        this.evictor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sensor-evictor").daemon().factory());
    }

    /** Builds the parts; nothing runs until {@link #start()}. */
    public static Frontend create(FrontendConfig config, Clock clock, MeterRegistry registry,
                                  Map<String, Object> kafkaOverrides) {
        return new Frontend(config, clock, registry, kafkaOverrides);
    }

    /** Starts consuming and the periodic eviction of silent sensors. */
    public Frontend start() {
        consumer.start();
        long period = Math.max(1, Math.min(60, config.sensors().evict().toSeconds() / 10));
        evictor.scheduleAtFixedRate(this::evict, period, period, TimeUnit.SECONDS);
        return this;
    }

    /** Evicts silent sensors now (also runs periodically). */
    public int evict() {
        int evicted = store.evictSilent();
        if (evicted > 0) {
            LOG.info(() -> "evicted " + evicted + " silent sensors; " + store.size() + " remain");
        }
        return evicted;
    }

    public FrontendConfig config() {
        return config;
    }

    public SensorStore store() {
        return store;
    }

    public SensorApi api() {
        return api;
    }

    SecurityHeaders securityHeaders() {
        return securityHeaders;
    }

    public EventHub events() {
        return events;
    }

    /** Readiness: the state has been rebuilt from Kafka. */
    public HealthCheck readiness() {
        return check(HealthCheckType.READINESS, "state-rebuilt", () -> HealthCheckResponse.builder()
                .status(consumer.rebuilt())
                .detail("sensors", store.size())
                .build());
    }

    /** Liveness: the Kafka consumer thread is still running. */
    public HealthCheck liveness() {
        return check(HealthCheckType.LIVENESS, "kafka-consumer",
                () -> HealthCheckResponse.builder().status(consumer.alive()).build());
    }

    private static HealthCheck check(HealthCheckType type, String name, Supplier<HealthCheckResponse> call) {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return type;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthCheckResponse call() {
                return call.get();
            }
        };
    }

    /** Stops everything and unregisters the per-sensor meters (tests share one registry). */
    @Override
    public void close() {
        stop();
        metrics.close();
    }

    /**
     * Stops consuming, evicting and streaming, leaving the meters registered: on JVM exit, removing
     * tens of thousands of meters one by one (each removal searches the registry) would hold the
     * shutdown for minutes.
     */
    public void stop() {
        evictor.shutdownNow();
        events.close();
        consumer.close();
    }
}
