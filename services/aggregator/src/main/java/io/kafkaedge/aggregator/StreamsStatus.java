package io.kafkaedge.aggregator;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.streams.KafkaStreams;

/** What health checks need to know about Kafka Streams. */
public interface StreamsStatus {

    /** States in which the instance will not recover by itself. */
    Set<KafkaStreams.State> FAILED = EnumSet.of(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR);

    /** The current state ({@code NOT_RUNNING} if it never started). */
    KafkaStreams.State state();

    /** Why Streams could not be created or started, if it could not. */
    Optional<String> startFailure();

    /** Liveness: not failed. */
    default boolean live() {
        return startFailure().isEmpty() && !FAILED.contains(state());
    }

    /** Readiness: processing. */
    default boolean ready() {
        return startFailure().isEmpty() && state() == KafkaStreams.State.RUNNING;
    }
}
