package io.kafkaedge.aggregator.topology;

import static io.kafkaedge.aggregator.topology.TestReadings.reading;
import static io.kafkaedge.aggregator.topology.TestReadings.seedReading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology in Kafka's TopologyTestDriver: windows, grace, formats, every dead-letter reason. */
class AggregatorTopologyTest {

    /** 1-minute windows starting at 18:48:00; the aggregator's clock is at 19:00. */
    static final Instant W0 = Instant.parse("2026-11-24T18:48:00Z");
    static final Instant W1 = W0.plusSeconds(60);
    static final Instant W2 = W0.plusSeconds(120);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T19:00:00Z"), ZoneOffset.UTC);

    private TopologyTestDriver driver;
    private CountingMetrics metrics;
    private TestInputTopic<String, String> input;
    private TestInputTopic<byte[], byte[]> rawInput;
    private TestOutputTopic<String, Aggregate> output;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        metrics = new CountingMetrics();
        driver = new TopologyTestDriver(AggregatorTopology.build(TopologySettings.defaults("prague"), CLOCK, metrics),
                streamsProperties());
        input = driver.createInputTopic(Topics.RAW, new StringSerializer(), new StringSerializer());
        rawInput = driver.createInputTopic(Topics.RAW, new ByteArraySerializer(), new ByteArraySerializer());
        output = driver.createOutputTopic(Topics.AGGREGATED, new StringDeserializer(),
                new JsonSerde<>(Aggregate.class).deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static Properties streamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "aggregator-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return props;
    }

    private void send(String sensor, Instant time, double temperature) {
        input.pipeInput(sensor, reading(sensor, time, temperature));
    }

    @Test
    void emitsOneAggregatePerSensorOnlyOnceTheWindowHasClosed() {
        send("s1", W0.plusSeconds(1), 20.5);
        send("s1", W0.plusSeconds(30), 20.7);
        send("s1", W0.plusSeconds(59), 20.6);
        send("s1", W1.plusSeconds(9), 21.0); // stream time 18:49:09: window [18:48,18:49) still within grace
        assertThat(output.isEmpty()).isTrue();

        send("s1", W1.plusSeconds(10), 21.0); // 18:49:10 = end + grace: closed
        List<Aggregate> aggregates = output.readValuesToList();
        assertThat(aggregates).hasSize(1);
        Aggregate a = aggregates.getFirst();
        assertThat(a.sensorId()).isEqualTo("s1");
        assertThat(a.site()).isEqualTo("prague");
        assertThat(a.windowStart()).isEqualTo("2026-11-24T18:48:00Z");
        assertThat(a.windowEnd()).isEqualTo("2026-11-24T18:49:00Z");
        assertThat(a.count()).isEqualTo(3);
        assertThat(a.temperature().min()).isEqualTo(20.5);
        assertThat(a.temperature().max()).isEqualTo(20.7);
        assertThat(a.temperature().avg()).isCloseTo((20.5 + 20.7 + 20.6) / 3, within(1e-12));
        assertThat(a.humidity()).isEqualTo(new Aggregate.Summary(50.0, 50.0, 50.0));
        assertThat(a.pressure()).isEqualTo(new Aggregate.Summary(1000.0, 1000.0, 1000.0));
        assertThat(a.latitude()).isEqualTo(TestReadings.LATITUDE);
        assertThat(a.longitude()).isEqualTo(TestReadings.LONGITUDE);
        assertThat(metrics.accepted.get()).isEqualTo(5);
        assertThat(metrics.emitted.get()).isEqualTo(1);
    }

    @Test
    void aggregateJsonIsTheContract() {
        input.pipeInput("prague-balcony", reading("prague-balcony", 1234, W0.plusSeconds(56), 20.57, 54.87, 981.59));
        send("other", W2, 1.0);
        TestRecord<String, byte[]> record = driver.createOutputTopic(Topics.AGGREGATED, new StringDeserializer(),
                new ByteArrayDeserializer()).readRecord();
        assertThat(record.key()).isEqualTo("prague-balcony");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"sensorId\":\"prague-balcony\",\"site\":\"prague\","
                        + "\"windowStart\":\"2026-11-24T18:48:00Z\",\"windowEnd\":\"2026-11-24T18:49:00Z\",\"count\":1,"
                        + "\"duplicates\":0,\"missing\":0,"
                        + "\"temperature\":{\"avg\":20.57,\"min\":20.57,\"max\":20.57},"
                        + "\"humidity\":{\"avg\":54.87,\"min\":54.87,\"max\":54.87},"
                        + "\"pressure\":{\"avg\":981.59,\"min\":981.59,\"max\":981.59},"
                        + "\"latitude\":50.0755,\"longitude\":14.4378}");
        assertThat(record.headers().toArray()).isEmpty();
    }

    @Test
    void outOfOrderReadingsWithinTheWindowAndWithinGraceAreCounted() {
        send("s1", W0.plusSeconds(50), 10);
        send("s1", W0.plusSeconds(10), 30); // out of order, same window
        send("s1", W1.plusSeconds(5), 40); // next window, stream time 18:49:05
        send("s1", W0.plusSeconds(20), 20); // late for its window but within the 10 s grace
        send("s1", W2.plusSeconds(30), 0); // closes both windows

        Map<String, Aggregate> byWindow = output.readValuesToList().stream()
                .collect(Collectors.toMap(Aggregate::windowStart, a -> a));
        assertThat(byWindow).containsOnlyKeys(W0.toString(), W1.toString());
        Aggregate first = byWindow.get(W0.toString());
        assertThat(first.count()).isEqualTo(3);
        assertThat(first.temperature()).isEqualTo(new Aggregate.Summary(20.0, 10.0, 30.0));
        assertThat(byWindow.get(W1.toString()).count()).isEqualTo(1);
        assertThat(metrics.late.get()).isZero();
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void readingsPastGraceGoToTheDeadLetterTopicAndAreCountedAsLate() {
        send("s1", W0.plusSeconds(5), 10);
        send("s1", W1.plusSeconds(10), 20); // closes [18:48, 18:49)
        String late = reading("s1", W0.plusSeconds(30), 30);
        input.pipeInput("s1", late);
        send("s2", W2.plusSeconds(10), 0); // closes [18:49, 18:50)

        List<Aggregate> aggregates = output.readValuesToList();
        assertThat(aggregates).extracting(Aggregate::windowStart, Aggregate::count)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(W0.toString(), 1L),
                        org.assertj.core.groups.Tuple.tuple(W1.toString(), 1L));
        assertThat(aggregates.getFirst().temperature().max()).isEqualTo(10);
        assertThat(metrics.late.get()).isEqualTo(1);
        assertThat(metrics.accepted.get()).isEqualTo(3);

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo(late);
        assertThat(header(dead.headers(), Topics.HEADER_REASON)).isEqualTo("late");
        assertThat(header(dead.headers(), Topics.HEADER_SOURCE_OFFSET)).isEqualTo("2");
        assertThat(header(dead.headers(), Topics.HEADER_DETAIL)).contains("2026-11-24T18:48:00Z");
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void severalSensorsAreAggregatedSeparately() {
        for (int i = 0; i < 6; i++) {
            for (String sensor : List.of("a", "b", "c")) {
                send(sensor, W0.plusSeconds(i * 10L), i + sensor.charAt(0) - 'a');
            }
        }
        send("a", W1.plusSeconds(30), 0);
        Map<String, Aggregate> bySensor = output.readValuesToList().stream()
                .collect(Collectors.toMap(Aggregate::sensorId, a -> a));
        assertThat(bySensor).containsOnlyKeys("a", "b", "c");
        assertThat(bySensor.values()).allSatisfy(a -> assertThat(a.count()).isEqualTo(6));
        assertThat(bySensor.get("a").temperature()).isEqualTo(new Aggregate.Summary(2.5, 0, 5));
        assertThat(bySensor.get("c").temperature()).isEqualTo(new Aggregate.Summary(4.5, 2, 7));
    }

    @Test
    void minMaxAndAverageAreExactOverManyReadings() {
        double sum = 0;
        double[] values = new double[60];
        for (int i = 0; i < 60; i++) {
            values[i] = Math.round((20 + Math.sin(i) * 5) * 100) / 100.0;
            sum += values[i];
            send("s1", W0.plusSeconds(i), values[i]);
        }
        send("s1", W2, 0);
        Aggregate a = output.readValue();
        assertThat(a.count()).isEqualTo(60);
        assertThat(a.temperature().min()).isEqualTo(java.util.Arrays.stream(values).min().orElseThrow());
        assertThat(a.temperature().max()).isEqualTo(java.util.Arrays.stream(values).max().orElseThrow());
        assertThat(a.temperature().avg()).isEqualTo(sum / 60);
    }

    @Test
    void lastLocationIsTheOneOfTheLatestReading() {
        input.pipeInput("s1", reading("s1", 1, W0.plusSeconds(40), 1, 1, 1000).replace("50.0755", "51.0"));
        input.pipeInput("s1", reading("s1", 2, W0.plusSeconds(10), 1, 1, 1000).replace("50.0755", "49.0"));
        send("s1", W2, 0);
        assertThat(output.readValue().latitude()).isEqualTo(51.0);
    }

    @Test
    void seedFirmwareReadingsAreAggregatedUnderTheirKeyOrTheirLocation() {
        // keyed by "<lat>x<long>" as the seed firmware did, seed timestamp format (UTC)
        input.pipeInput("50.1x14.2", seedReading("2026-11-24 18:48:10", 19.5, 50.1, 14.2));
        input.pipeInput("50.1x14.2", seedReading("2026-11-24 18:48:40", 20.5, 50.1, 14.2));
        // no key at all: the id comes from the body (re-keyed through the repartition topic)
        input.pipeInput((String) null, seedReading("2026-11-24 18:48:20", 10.0, 48.2, 16.37));
        // contract reading whose key is not its sensor id: re-keyed under the sensor id
        input.pipeInput("wrong-key", reading("s9", W0.plusSeconds(15), 5.0));
        send("flush", W2, 0);
        input.pipeInput((String) null, seedReading("2026-11-24 18:50:00", 10.0, 1.0, 1.0));

        Map<String, Aggregate> bySensor = output.readValuesToList().stream()
                .collect(Collectors.toMap(Aggregate::sensorId, a -> a));
        assertThat(bySensor).containsOnlyKeys("50.1x14.2", "48.2x16.37", "s9");
        assertThat(bySensor.get("50.1x14.2").count()).isEqualTo(2);
        assertThat(bySensor.get("50.1x14.2").temperature().avg()).isEqualTo(20.0);
        assertThat(bySensor.get("48.2x16.37").latitude()).isEqualTo(48.2);
        assertThat(bySensor.get("s9").windowStart()).isEqualTo(W0.toString());
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void everyRejectionReasonEndsInTheDeadLetterTopicWithOriginalBytesAndSource() {
        Map<String, Reason> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"temperature\": 20.5,", Reason.NOT_JSON);
        cases.put("[1,2,3]", Reason.NOT_JSON);
        cases.put("", Reason.NOT_JSON);
        cases.put(reading("s1", W0, 20).replace("20.0", "\"20.0\""), Reason.INVALID_FIELD);
        cases.put(reading("s1", TestReadings.BOOT, 1, W0, 20).replace("\"seq\":1", "\"seq\":1.5"), Reason.INVALID_FIELD);
        cases.put(reading("s 1", W0, 20), Reason.INVALID_FIELD);
        cases.put(reading("<b>s1</b>", W0, 20), Reason.INVALID_FIELD);
        cases.put(reading("s1", "boot/1", 1, W0, 20), Reason.INVALID_FIELD);
        cases.put(reading("s1", "b".repeat(129), 1, W0, 20), Reason.INVALID_FIELD);
        cases.put(reading("s1", TestReadings.BOOT, 1, W0, 20).replace("\"bootId\":\"" + TestReadings.BOOT + "\",", ""),
                Reason.MISSING_FIELD);
        cases.put(reading("s1", TestReadings.BOOT, 1, W0, 20).replace("\"seq\":1,", ""), Reason.MISSING_FIELD);
        cases.put(reading("s1", TestReadings.BOOT, -1, W0, 20), Reason.OUT_OF_RANGE);
        cases.put(reading("s1", TestReadings.BOOT, 9007199254740992L, W0, 20), Reason.OUT_OF_RANGE);
        cases.put(reading("s1", W0, 20).replace(",\"pressure\":1000.0", ""), Reason.MISSING_FIELD);
        cases.put(reading("s1", W0, 20).replace("\"humidity\":50.0", "\"humidity\":null"), Reason.MISSING_FIELD);
        cases.put(reading("s1", W0, 120), Reason.OUT_OF_RANGE);
        cases.put(reading("s1", 1, W0, 20, 100.5, 1000), Reason.OUT_OF_RANGE);
        cases.put(reading("s1", 1, W0, 20, 50, 250), Reason.OUT_OF_RANGE);
        cases.put(reading("s1", CLOCK.instant().plusSeconds(11), 20), Reason.FUTURE_TIMESTAMP);
        cases.put(reading("s1", W0, 20).replace(W0.toString(), "yesterday"), Reason.BAD_TIMESTAMP);
        cases.put(reading("s1", W0, 20).replace(W0.toString(), "2026-02-30T10:00:00Z"), Reason.BAD_TIMESTAMP);

        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, '{', '}'};
        rawInput.pipeInput(new TestRecord<>("k0".getBytes(StandardCharsets.UTF_8), notUtf8,
                new org.apache.kafka.common.header.internals.RecordHeaders()
                        .add("trace", "t-1".getBytes(StandardCharsets.UTF_8)), Instant.EPOCH.plusSeconds(7)));
        for (String value : cases.keySet()) {
            input.pipeInput("s1", value);
        }
        input.pipeInput("s1", (String) null);

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(cases.size() + 2);
        TestRecord<byte[], byte[]> first = dead.getFirst();
        assertThat(first.value()).isEqualTo(notUtf8);
        assertThat(first.key()).isEqualTo("k0".getBytes(StandardCharsets.UTF_8));
        assertThat(header(first.headers(), Topics.HEADER_REASON)).isEqualTo("not_json");
        assertThat(header(first.headers(), "trace")).isEqualTo("t-1");
        assertThat(header(first.headers(), Topics.HEADER_SOURCE_TOPIC)).isEqualTo(Topics.RAW);
        assertThat(header(first.headers(), Topics.HEADER_SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(first.headers(), Topics.HEADER_SOURCE_OFFSET)).isEqualTo("0");
        assertThat(first.timestamp()).isEqualTo(7000L);

        List<String> values = List.copyOf(cases.keySet());
        for (int i = 0; i < values.size(); i++) {
            TestRecord<byte[], byte[]> record = dead.get(i + 1);
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo(values.get(i));
            assertThat(header(record.headers(), Topics.HEADER_REASON))
                    .as(values.get(i)).isEqualTo(cases.get(values.get(i)).code());
            assertThat(header(record.headers(), Topics.HEADER_SOURCE_OFFSET)).isEqualTo(Integer.toString(i + 1));
            assertThat(header(record.headers(), Topics.HEADER_DETAIL)).isNotBlank();
        }
        assertThat(dead.getLast().value()).isEmpty();
        assertThat(metrics.rejectedCount(Reason.NOT_JSON)).isEqualTo(5);
        assertThat(metrics.rejectedCount(Reason.INVALID_FIELD)).isEqualTo(6);
        assertThat(metrics.rejectedCount(Reason.MISSING_FIELD)).isEqualTo(4);
        assertThat(metrics.rejectedCount(Reason.OUT_OF_RANGE)).isEqualTo(5);
        assertThat(metrics.rejectedCount(Reason.FUTURE_TIMESTAMP)).isEqualTo(1);
        assertThat(metrics.rejectedCount(Reason.BAD_TIMESTAMP)).isEqualTo(2);
        assertThat(metrics.accepted.get()).isZero();

        // the pipeline goes on
        send("s1", W0, 20);
        send("s1", W2, 20);
        assertThat(output.readValue().count()).isEqualTo(1);
    }

    @Test
    void rejectedReadingsDoNotMoveStreamTime() {
        send("s1", W0.plusSeconds(5), 10);
        // a reading from the future is rejected and must not close the open window
        input.pipeInput("s2", reading("s2", CLOCK.instant().plusSeconds(3600), 20));
        input.pipeInput("s3", "not json");
        send("s1", W0.plusSeconds(50), 30);
        assertThat(output.isEmpty()).isTrue();
        send("s1", W1.plusSeconds(10), 0);
        assertThat(output.readValue().count()).isEqualTo(2);
        assertThat(metrics.late.get()).isZero();
    }

    @Test
    void storesAndInternalTopicsHaveStableNames() {
        String description = AggregatorTopology.build(TopologySettings.defaults("x"), CLOCK, PipelineMetrics.NONE)
                .describe().toString();
        assertThat(description).containsPattern("Processor: windows \\(stores: \\[(" + Topics.WINDOW_STORE + ", "
                        + Topics.LAST_SEQ_STORE + "|" + Topics.LAST_SEQ_STORE + ", " + Topics.WINDOW_STORE + ")]")
                .containsPattern("Processor: rekeyed-windows \\(stores: \\[(rekeyed-" + Topics.WINDOW_STORE + ", rekeyed-"
                        + Topics.LAST_SEQ_STORE + "|rekeyed-" + Topics.LAST_SEQ_STORE + ", rekeyed-" + Topics.WINDOW_STORE + ")]")
                .contains(Topics.REKEY + "-repartition");
        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-");
    }

    static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
