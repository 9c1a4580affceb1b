package io.kafkaedge.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import io.helidon.http.Status;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.kafkaedge.aggregator.topology.Reason;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Health follows the Kafka Streams state; the metric names are the fixed ones. */
@ServerTest
class MainTest {

    /** A settable stand-in for Kafka Streams' state (the real one is exercised in AggregatorServiceIT). */
    static final class SettableStatus implements StreamsStatus {
        volatile KafkaStreams.State state = KafkaStreams.State.CREATED;
        volatile String failure;

        @Override
        public KafkaStreams.State state() {
            return state;
        }

        @Override
        public Optional<String> startFailure() {
            return Optional.ofNullable(failure);
        }
    }

    static final SettableStatus STATUS = new SettableStatus();

    private final Http1Client client;

    MainTest(Http1Client client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        server.addFeature(Main.observe(STATUS));
    }

    @SetUpRoute
    static void route(HttpRouting.Builder routing) {
        Main.routing(routing);
    }

    @AfterEach
    void reset() {
        STATUS.state = KafkaStreams.State.CREATED;
        STATUS.failure = null;
    }

    private Status status(String path) {
        try (var response = client.get(path).request()) {
            return response.status();
        }
    }

    @Test
    void readyOnlyWhenRunningLiveUnlessFailed() {
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            STATUS.state = state;
            boolean failed = state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR;
            assertThat(status("/observe/health/live")).as("live in " + state)
                    .isEqualTo(failed ? Status.SERVICE_UNAVAILABLE_503 : Status.OK_200);
            assertThat(status("/observe/health/ready")).as("ready in " + state)
                    .isEqualTo(state == KafkaStreams.State.RUNNING ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
        }
    }

    @Test
    void failedStartIsNotLiveAndNamesTheCause() {
        STATUS.failure = "ConfigException: Missing required configuration \"bootstrap.servers\"";
        assertThat(status("/observe/health/live")).isEqualTo(Status.SERVICE_UNAVAILABLE_503);
        try (var response = client.get("/observe/health").request()) {
            assertThat(response.as(String.class)).contains("bootstrap.servers");
        }
    }

    @Test
    void metricsUseTheFixedNames() {
        MeterPipelineMetrics meters = new MeterPipelineMetrics(Services.get(MeterRegistry.class));
        meters.accepted();
        meters.rejected(Reason.OUT_OF_RANGE);
        meters.late();
        meters.duplicate();
        meters.emitted(new io.kafkaedge.aggregator.topology.Aggregate("s", "x", "a", "b", 3, 1, 2, null, null, null, 0, 0));
        String text;
        try (var response = client.get("/observe/metrics").accept(io.helidon.http.HttpMediaTypes.PLAINTEXT_UTF_8
                .mediaType()).request()) {
            assertThat(response.status()).isEqualTo(Status.OK_200);
            text = response.as(String.class);
        }
        assertThat(text).containsPattern("aggregator_readings_accepted_total\\{[^}]*} [1-9]")
                .containsPattern("aggregator_readings_rejected_total\\{[^}]*reason=\"out_of_range\"[^}]*} [1-9]")
                .containsPattern("aggregator_readings_rejected_total\\{[^}]*reason=\"not_json\"[^}]*} 0")
                .containsPattern("aggregator_late_readings_dropped_total\\{[^}]*} [1-9]")
                .containsPattern("aggregator_aggregates_emitted_total\\{[^}]*} [1-9]")
                .containsPattern("aggregator_readings_duplicate_total\\{[^}]*} [1-9]")
                .containsPattern("aggregator_readings_missing_total\\{[^}]*} [2-9]");
    }
}
