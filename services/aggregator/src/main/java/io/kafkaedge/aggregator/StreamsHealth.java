package io.kafkaedge.aggregator;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Liveness (not in ERROR / PENDING_ERROR, started) and readiness (RUNNING) of Kafka Streams,
 * served at {@code /observe/health/live} and {@code /observe/health/ready}.
 */
final class StreamsHealth {

    private StreamsHealth() {
    }

    static HealthCheck liveness(StreamsStatus status) {
        return check("kafka-streams-live", HealthCheckType.LIVENESS, status, true);
    }

    static HealthCheck readiness(StreamsStatus status) {
        return check("kafka-streams-ready", HealthCheckType.READINESS, status, false);
    }

    private static HealthCheck check(String name, HealthCheckType type, StreamsStatus status, boolean live) {
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
                HealthCheckResponse.Builder response = HealthCheckResponse.builder()
                        .status(live ? status.live() : status.ready())
                        .detail("state", status.state().name());
                status.startFailure().ifPresent(failure -> response.detail("failure", failure));
                return response.build();
            }
        };
    }
}
