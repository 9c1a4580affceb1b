package io.kafkaedge.aggregator;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.kafkaedge.aggregator.topology.AggregatorTopology;
import io.kafkaedge.aggregator.topology.PipelineMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * Owns the Kafka Streams instance: creates it from the settings and the topology, starts it,
 * reports its state, closes it with a timeout. Never calls {@code cleanUp()}: local state is
 * reused across restarts (exactly-once restores it from the changelogs when needed).
 */
public final class AggregatorStreams implements StreamsStatus, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AggregatorStreams.class.getName());

    private final KafkaStreams streams;
    private final CopyOnWriteArrayList<Consumer<String>> fatalListeners = new CopyOnWriteArrayList<>();
    private volatile String startFailure;

    private AggregatorStreams(KafkaStreams streams, String startFailure) {
        this.streams = streams;
        this.startFailure = startFailure;
        if (streams != null) {
            streams.setStateListener((newState, oldState) -> {
                LOG.info(() -> "Kafka Streams " + oldState + " -> " + newState);
                if (newState == KafkaStreams.State.ERROR) {
                    fatal("Kafka Streams went to ERROR");
                }
            });
        }
    }

    /** Creates (does not start) the instance; a configuration error is kept as start failure. */
    public static AggregatorStreams create(AggregatorSettings settings, PipelineMetrics metrics, Clock clock) {
        try {
            Topology topology = AggregatorTopology.build(settings.topology(), clock, metrics);
            return new AggregatorStreams(new KafkaStreams(topology, settings.streamsProperties()), null);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot create Kafka Streams", e);
            return new AggregatorStreams(null, describe(e));
        }
    }

    /** Called (once per failure, on a thread of its own) when Streams fails for good. */
    public void onFatal(Consumer<String> listener) {
        fatalListeners.add(listener);
        if (startFailure != null) {
            fatal(startFailure);
        }
    }

    public void start() {
        if (streams == null) {
            return;
        }
        try {
            streams.start();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "cannot start Kafka Streams", e);
            startFailure = describe(e);
            fatal(startFailure);
        }
    }

    @Override
    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
    }

    @Override
    public Optional<String> startFailure() {
        return Optional.ofNullable(startFailure);
    }

    /** The instance, for its metrics; empty if it could not be created. */
    public Optional<KafkaStreams> kafkaStreams() {
        return Optional.ofNullable(streams);
    }

    /** Closes Streams, waiting up to {@code timeout} for the last commit. */
    public boolean close(Duration timeout) {
        if (streams == null) {
            return true;
        }
        boolean closed = streams.close(timeout);
        LOG.info(() -> "Kafka Streams closed" + (closed ? "" : " (timed out after " + timeout + ")"));
        return closed;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    private void fatal(String reason) {
        for (Consumer<String> listener : fatalListeners) {
            Thread.ofPlatform().name("aggregator-fatal").start(() -> listener.accept(reason));
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
