package io.kafkaedge.aggregator.topology;

import static io.kafkaedge.aggregator.topology.AggregatorTopologyTest.CLOCK;
import static io.kafkaedge.aggregator.topology.AggregatorTopologyTest.W0;
import static io.kafkaedge.aggregator.topology.AggregatorTopologyTest.W1;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** The open windows' durable copy: what reaches the changelog, and when. */
class WriteBehindWindowStoreTest {

    private static final String CHANGELOG = "aggregator-test-" + Topics.WINDOW_STORE + "-changelog";

    @Test
    void everyCommitCarriesTheWindowsChangedSinceTheLastOneAndAClosedWindowLeavesATombstone() {
        try (TopologyTestDriver driver = new TopologyTestDriver(
                AggregatorTopology.build(TopologySettings.defaults("prague"), CLOCK, new CountingMetrics()),
                AggregatorTopologyTest.streamsProperties())) {
            TestInputTopic<String, String> input = driver.createInputTopic(Topics.RAW, new StringSerializer(),
                    new StringSerializer());
            TestOutputTopic<byte[], byte[]> changelog = driver.createOutputTopic(CHANGELOG, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            // the test driver commits after every input record
            input.pipeInput("s1", TestReadings.reading("s1", W0.plusSeconds(1), 20.0));
            input.pipeInput("s1", TestReadings.reading("s1", W0.plusSeconds(2), 22.0));
            input.pipeInput("s2", TestReadings.reading("s2", W0.plusSeconds(3), 5.0));

            List<WindowAccumulator> written = new ArrayList<>();
            for (TestRecord<byte[], byte[]> record : changelog.readRecordsToList()) {
                written.add(WindowAccumulator.decode(Bytes.wrap(record.key()), record.value()));
            }
            assertThat(written).extracting(WindowAccumulator::sensorId).containsExactly("s1", "s1", "s2");
            assertThat(written).extracting(WindowAccumulator::count).containsExactly(1L, 2L, 1L);
            assertThat(written.get(1).aggregate("prague", 60_000).temperature())
                    .isEqualTo(new Aggregate.Summary(21.0, 20.0, 22.0));

            input.pipeInput("s1", TestReadings.reading("s1", W1.plusSeconds(10), 20.0)); // closes W0
            List<TestRecord<byte[], byte[]>> afterClose = changelog.readRecordsToList();
            assertThat(afterClose).filteredOn(r -> r.value() == null)
                    .extracting(r -> new String(r.key(), 8, r.key().length - 8, StandardCharsets.UTF_8)) // start, id
                    .containsExactlyInAnyOrder("s1", "s2");
            assertThat(afterClose).filteredOn(r -> r.value() != null).hasSize(1);
        }
    }

    @Test
    void manyChangesBetweenFlushesAreOneWriteAndAWindowOpenedAndClosedBetweenThemIsNone() {
        WriteBehindWindowStore store = new WriteBehindWindowStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("windows"), Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build());
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);

        WindowAccumulator kept = new WindowAccumulator("kept", 0);
        WindowAccumulator brief = new WindowAccumulator("brief", 0);
        for (int i = 0; i < 5; i++) {
            kept.add(new Reading("kept", null, i, 20 + i, 50, 1000, 1, 2));
            store.changed(kept);
        }
        brief.add(new Reading("brief", null, 1, 20, 50, 1000, 1, 2));
        store.changed(brief);
        assertThat(entries(store)).as("nothing is written before the flush").isEmpty();
        store.closed(brief);
        store.flushCache();
        assertThat(entries(store)).extracting(e -> e.key).containsExactly(kept.key());
        assertThat(WindowAccumulator.decode(kept.key(), entries(store).getFirst().value).count()).isEqualTo(5);
        assertThat(brief.written).isFalse();

        store.closed(kept);
        store.flushCache();
        assertThat(entries(store)).isEmpty();
        store.close();
    }

    private static List<KeyValue<Bytes, byte[]>> entries(WriteBehindWindowStore store) {
        List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            all.forEachRemaining(entries::add);
        }
        return entries;
    }
}
