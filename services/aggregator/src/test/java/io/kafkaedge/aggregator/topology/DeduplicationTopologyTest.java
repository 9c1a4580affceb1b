package io.kafkaedge.aggregator.topology;

import static io.kafkaedge.aggregator.topology.TestReadings.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkaedge.testkit.ContractSchemas;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * De-duplication by (sensorId, bootId, seq) and loss accounting in TopologyTestDriver: resends in
 * the same and in a later commit, a reboot mid window, readings without bootId/seq, seq gaps inside
 * a window and across its boundary, reordering within grace. Every aggregate is checked against
 * contract/aggregate.schema.json.
 */
class DeduplicationTopologyTest {

    static final Instant W0 = AggregatorTopologyTest.W0;
    static final Instant W1 = W0.plusSeconds(60);
    static final Instant W2 = W0.plusSeconds(120);
    static final Instant W3 = W0.plusSeconds(180);
    static final ObjectMapper JSON = new ObjectMapper();

    private TopologyTestDriver driver;
    private CountingMetrics metrics;
    private TestInputTopic<String, String> input;
    private TestOutputTopic<String, byte[]> output;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        metrics = new CountingMetrics();
        driver = new TopologyTestDriver(AggregatorTopology.build(TopologySettings.defaults("prague"),
                AggregatorTopologyTest.CLOCK, metrics), AggregatorTopologyTest.streamsProperties());
        input = driver.createInputTopic(Topics.RAW, new StringSerializer(), new StringSerializer());
        output = driver.createOutputTopic(Topics.AGGREGATED, new StringDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void send(String sensor, String boot, long seq, Instant time, double temperature) {
        input.pipeInput(sensor, reading(sensor, boot, seq, time, temperature));
    }

    /** Closes every window before {@code time} with a reading of another sensor, returns the aggregates so far. */
    private List<Aggregate> flush(Instant time) {
        input.pipeInput("flush", reading("flush", time, 0));
        return aggregates().stream().filter(a -> !a.sensorId().equals("flush")).toList();
    }

    /** Every aggregate written so far, each validated against the contract. */
    private List<Aggregate> aggregates() {
        List<Aggregate> all = new ArrayList<>();
        for (byte[] json : output.readValuesToList()) {
            assertThat(ContractSchemas.errors(ContractSchemas.AGGREGATE, json))
                    .as(new String(json, StandardCharsets.UTF_8)).isEmpty();
            try {
                all.add(JSON.readValue(json, Aggregate.class));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    @Test
    void aResendInTheSameCommitIsCountedOnceAndAsADuplicate() {
        send("s1", "b1", 0, W0.plusSeconds(1), 10);
        send("s1", "b1", 1, W0.plusSeconds(2), 20);
        send("s1", "b1", 1, W0.plusSeconds(2), 20); // the device resent after a timeout
        send("s1", "b1", 0, W0.plusSeconds(1), 10);
        send("s1", "b1", 2, W0.plusSeconds(3), 30);

        Aggregate a = flush(W1.plusSeconds(10)).getFirst();
        assertThat(a.count()).isEqualTo(3);
        assertThat(a.duplicates()).isEqualTo(2);
        assertThat(a.missing()).isZero();
        assertThat(a.temperature()).isEqualTo(new Aggregate.Summary(20.0, 10.0, 30.0));
        assertThat(metrics.duplicates.get()).isEqualTo(2);
        assertThat(metrics.accepted.get()).isEqualTo(3 + 1);
        assertThat(dlq.isEmpty()).as("repeats are not dead letters").isTrue();
    }

    @Test
    void aResendInALaterCommitIsStillRecognised() {
        send("s1", "b1", 0, W0.plusSeconds(1), 10);
        send("s1", "b1", 1, W0.plusSeconds(2), 20);
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(5)); // past commit.interval.ms: a commit
        KeyValueStore<?, ?> store = driver.getKeyValueStore(Topics.WINDOW_STORE);
        assertThat(store.approximateNumEntries()).isEqualTo(1);
        send("s1", "b1", 1, W0.plusSeconds(2), 20);
        send("s1", "b1", 0, W0.plusSeconds(1), 10);

        Aggregate a = flush(W1.plusSeconds(10)).getFirst();
        assertThat(a.count()).isEqualTo(2);
        assertThat(a.duplicates()).isEqualTo(2);
        assertThat(a.temperature().avg()).isEqualTo(15.0);
    }

    @Test
    void aRebootMidWindowIsNeitherADuplicateNorALoss() {
        send("s1", "old", 57, W0.plusSeconds(1), 10);
        send("s1", "old", 58, W0.plusSeconds(2), 10);
        send("s1", "new", 0, W0.plusSeconds(30), 20); // rebooted: new bootId, seq from 0 again
        send("s1", "new", 1, W0.plusSeconds(31), 20);
        send("s1", "new", 2, W0.plusSeconds(32), 20);
        send("s1", "new", 3, W1.plusSeconds(1), 20);

        Aggregate first = flush(W1.plusSeconds(10)).getFirst();
        assertThat(first.count()).isEqualTo(5);
        assertThat(first.duplicates()).isZero();
        assertThat(first.missing()).isZero();
        Aggregate second = flush(W2.plusSeconds(10)).getFirst();
        assertThat(second.count()).isEqualTo(1);
        assertThat(second.missing()).as("seq 3 follows seq 2 of the same boot").isZero();
    }

    @Test
    void readingsWithoutBootIdAndSeqAreAggregatedAndNeverDeduplicated() {
        input.pipeInput("s1", reading("s1", W0.plusSeconds(1), 10));
        input.pipeInput("s1", reading("s1", W0.plusSeconds(1), 10)); // identical body, but no identity
        send("s1", "b1", 0, W0.plusSeconds(2), 40);

        Aggregate a = flush(W1.plusSeconds(10)).getFirst();
        assertThat(a.count()).isEqualTo(3);
        assertThat(a.duplicates()).isZero();
        assertThat(a.missing()).isZero();
        assertThat(a.temperature().avg()).isEqualTo(20.0);
    }

    @Test
    void seqGapsInsideAWindowAndAcrossItsBoundaryAreMissing() {
        send("s1", "b1", 10, W0.plusSeconds(10), 1);
        send("s1", "b1", 13, W0.plusSeconds(13), 1); // 11, 12 lost
        send("s1", "b1", 14, W0.plusSeconds(14), 1);
        send("s1", "b1", 20, W1.plusSeconds(5), 1); // 15..19 lost, counted in the next window
        send("s1", "b1", 21, W1.plusSeconds(6), 1);
        send("s2", "x", 0, W1.plusSeconds(6), 1);

        Map<String, Aggregate> w0 = bySensor(flush(W1.plusSeconds(10)));
        assertThat(w0.get("s1").count()).isEqualTo(3);
        assertThat(w0.get("s1").missing()).isEqualTo(2);
        Map<String, Aggregate> w1 = bySensor(flush(W2.plusSeconds(10)));
        assertThat(w1.get("s1").count()).isEqualTo(2);
        assertThat(w1.get("s1").missing()).isEqualTo(5);
        assertThat(w1.get("s2").missing()).as("first sight of a boot adds nothing").isZero();
        assertThat(metrics.missing.get()).isEqualTo(7);

        // a window without readings in between: the gap is counted from the last window that had them
        send("s1", "b1", 200, W3.plusSeconds(1), 1);
        Aggregate w3 = bySensor(flush(W3.plusSeconds(70))).get("s1");
        assertThat(w3.missing()).isEqualTo(200 - 21 - 1);
    }

    @Test
    void reorderingWithinGraceIsNeitherLossNorDuplicate() {
        send("s1", "b1", 0, W0.plusSeconds(50), 1);
        send("s1", "b1", 3, W1.plusSeconds(2), 1); // next window first
        send("s1", "b1", 2, W0.plusSeconds(59), 1); // out of order, within grace
        send("s1", "b1", 1, W0.plusSeconds(55), 1);
        send("s1", "b1", 4, W1.plusSeconds(3), 1);
        send("s1", "b1", 2, W0.plusSeconds(59), 1); // and once more: a repeat

        List<Aggregate> aggregates = flush(W2.plusSeconds(10));
        assertThat(aggregates).extracting(Aggregate::windowStart, Aggregate::count, Aggregate::duplicates,
                        Aggregate::missing)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(W0.toString(), 3L, 1L, 0L),
                        org.assertj.core.groups.Tuple.tuple(W1.toString(), 2L, 0L, 0L));
        assertThat(metrics.late.get()).isZero();
    }

    private static Map<String, Aggregate> bySensor(List<Aggregate> aggregates) {
        return aggregates.stream().collect(Collectors.toMap(Aggregate::sensorId, a -> a));
    }
}
