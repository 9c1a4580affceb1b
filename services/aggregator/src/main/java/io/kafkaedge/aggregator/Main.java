package io.kafkaedge.aggregator;

import java.time.Clock;
import java.util.logging.Logger;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * Wires configuration, Kafka Streams, health, metrics and shutdown; the logic lives in
 * {@link io.kafkaedge.aggregator.topology.AggregatorTopology}.
 * <p>
 * Crash-only on failure: when Kafka Streams cannot start or goes to ERROR the process closes it
 * and exits with status 1, so Kubernetes or the local supervisor restarts it; until then
 * {@code /observe/health/live} reports DOWN.
 */
public final class Main {

    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        AggregatorSettings settings = AggregatorSettings.from(config);
        MeterRegistry registry = Services.get(MeterRegistry.class);

        AggregatorStreams streams = AggregatorStreams.create(settings, new MeterPipelineMetrics(registry),
                Clock.systemUTC());
        StreamsMeters.register(registry, streams);
        WebServer server = WebServer.builder()
                .config(config.get("server"))
                .addFeature(observe(streams))
                .routing(Main::routing)
                .build()
                .start();
        LOG.info(() -> "aggregator for site " + settings.topology().site() + " listening on port " + server.port());

        // SIGTERM: Helidon's shutdown hook runs this (with logging still working), then stops the server
        io.helidon.Main.addShutdownHandler(() -> streams.close(settings.shutdownTimeout()));
        streams.onFatal(reason -> {
            LOG.severe(() -> "exiting: " + reason);
            System.exit(1);
        });
        streams.start();
    }

    /** Health (liveness and readiness from Kafka Streams) and metrics under {@code /observe}. */
    static ObserveFeature observe(StreamsStatus status) {
        return ObserveFeature.builder()
                .addObserver(HealthObserver.builder()
                        .details(true)
                        .addCheck(StreamsHealth.liveness(status))
                        .addCheck(StreamsHealth.readiness(status))
                        .build())
                .addObserver(MetricsObserver.create())
                .build();
    }

    /** Routes of the service; tests set up the same routing. */
    static void routing(HttpRouting.Builder routing) {
        routing.get("/", (req, res) -> res.send("aggregator"));
    }
}
