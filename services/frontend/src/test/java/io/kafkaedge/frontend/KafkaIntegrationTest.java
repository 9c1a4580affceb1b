package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServer;
import io.kafkaedge.testkit.KafkaFixture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The frontend against a real Kafka broker: several sites' topics, state rebuilt by time on start
 * and on restart, malformed records skipped, live updates over SSE, gauges added and evicted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SuppressWarnings("removal") // Metrics.globalRegistry(), as Main uses it
class KafkaIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static KafkaFixture kafka;
    private static KafkaProducer<String, String> producer;
    private static int generation;

    private Fixtures.MutableClock clock;
    private Frontend frontend;
    private WebServer server;

    @BeforeAll
    static void broker() {
        kafka = KafkaFixture.start();
        kafka.createTopics(2, List.of("prague.sensor-data-aggregated", "brno.sensor-data-aggregated", "sensor-data"));
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(props);
        // Older than history.retention, at the start of the log: the rebuild seeks past it.
        Instant ancient = NOW.minus(Duration.ofHours(30));
        send("prague.sensor-data-aggregated", "prague-ancient", Fixtures.aggregateJson("prague-ancient", "prague",
                ancient, 20, 50, 14), ancient);
        for (int minute = 5; minute >= 1; minute--) {
            Instant start = NOW.minus(Duration.ofMinutes(minute + 1));
            send("prague.sensor-data-aggregated", "prague-balcony", Fixtures.aggregateJson("prague-balcony", "prague",
                    start, 20 + minute, 50.0755, 14.4378), start);
            send("prague.sensor-data-aggregated", "prague-garden", Fixtures.aggregateJson("prague-garden", "prague",
                    start, 15, 50.09, 14.40), start);
            // No site field: the site comes from the topic prefix MirrorMaker 2 added.
            send("brno.sensor-data-aggregated", "brno-roof", Fixtures.uncheckedAggregateJson("brno-roof", null,
                    start, 10, 49.1951, 16.6068), start);
        }
        // Just as old but behind the seek point (out-of-order timestamp): dropped by its window end.
        send("prague.sensor-data-aggregated", "prague-late", Fixtures.aggregateJson("prague-late", "prague",
                ancient, 20, 50, 14), ancient);
        // Malformed records are counted and skipped, never fatal.
        send("prague.sensor-data-aggregated", "junk", "this is not json", NOW.minusSeconds(30));
        send("brno.sensor-data-aggregated", "junk", "{\"sensorId\":\"x\",\"count\":\"many\"}", NOW.minusSeconds(30));
        // Not an aggregate topic: not read at all.
        send("sensor-data", "raw", Fixtures.aggregateJson("raw-reading", "prague", NOW, 20, 50, 14), NOW);
        producer.flush();
    }

    private static Future<RecordMetadata> send(String topic, String key, String value, Instant windowStart) {
        // The aggregator stamps records with their window end; MirrorMaker 2 keeps the timestamp.
        return producer.send(new ProducerRecord<>(topic, null, windowStart.plusSeconds(60).toEpochMilli(), key, value));
    }

    @AfterAll
    static void stopBroker() {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private void startFrontend() {
        clock = new Fixtures.MutableClock(Instant.now());
        frontend = Frontend.create(Fixtures.config(Map.of(
                        "kafka.bootstrap", kafka.bootstrapServers(),
                        "kafka.group", "frontend-it-" + (++generation),
                        "kafka.refresh", "PT1S",
                        "sensors.evict", "PT2H")),
                clock, Metrics.globalRegistry(), Map.of());
        server = Main.features(WebServer.builder().port(0), frontend)
                .routing(routing -> Main.routing(routing, frontend))
                .build()
                .start();
        frontend.start();
    }

    @AfterEach
    void stopFrontend() {
        if (frontend != null) {
            frontend.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<String> res = get(path);
        assertThat(res.statusCode()).as(path + " " + res.body()).isEqualTo(200);
        return JSON.readTree(res.body());
    }

    private List<String> ids() throws Exception {
        List<String> ids = new ArrayList<>();
        json("/api/sensors").forEach(s -> ids.add(s.get("id").asText()));
        return ids;
    }

    private void awaitRebuilt() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200));
    }

    @Test
    @Order(1)
    void rebuildsAllSitesFromKafkaAndSkipsMalformedRecords() throws Exception {
        startFrontend();
        awaitRebuilt();
        assertThat(get("/observe/health/live").body()).contains("\"kafka-consumer\"", "\"UP\"");
        assertThat(ids()).containsExactly("brno-roof", "prague-balcony", "prague-garden");
        JsonNode sites = json("/api/sites");
        assertThat(sites.toString()).contains("{\"site\":\"brno\",\"sensors\":1,\"stale\":0}",
                "{\"site\":\"prague\",\"sensors\":2,\"stale\":0}");
        JsonNode balcony = json("/api/sensors/prague-balcony");
        assertThat(balcony.get("temperature").get("avg").asDouble()).isEqualTo(21.0);
        assertThat(balcony.get("windowEnd").asText()).isEqualTo(NOW.minusSeconds(60).toString());
        JsonNode history = json("/api/sensors/prague-balcony/history");
        assertThat(history.get("time")).hasSize(5);
        assertThat(history.get("temperature").get(0).asDouble()).isEqualTo(25.0);

        String metrics = get("/observe/metrics").body();
        assertThat(metrics).containsPattern("(?m)^frontend_records_rejected_total\\{.*} [2-9]");
        assertThat(metrics).containsPattern("(?m)^frontend_records_consumed_total\\{.*} (1[7-9]|[2-9][0-9])");
        assertThat(metrics).containsPattern("(?m)^frontend_consumer_lag\\{.*} 0.0$");
        assertThat(metrics).containsPattern("(?m)^sensor_temperature_celsius\\{(?=.*site=\"brno\")(?=.*sensor=\"brno-roof\")"
                + "(?=.*latitude=\"49.1951\")(?=.*longitude=\"16.6068\").*} 10.0$");
    }

    @Test
    @Order(2)
    void newAggregatesAndNewSitesArriveLiveOverSse() throws Exception {
        startFrontend();
        awaitRebuilt();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/api/events"))
                .header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> stream = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("text/event-stream"));
        await().until(() -> frontend.events().clients() == 1);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                String event = null;
                try {
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (line.startsWith("event:")) {
                            event = line.substring(6).trim();
                        } else if (line.startsWith("data:") && "aggregate".equals(event) && line.contains("ostrava-1")) {
                            return line.substring(5).trim();
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return null;
            });
            // A site that did not exist when the frontend started: its topic is found by the pattern.
            kafka.createTopics(1, List.of("ostrava.sensor-data-aggregated"));
            send("ostrava.sensor-data-aggregated", "ostrava-1", Fixtures.uncheckedAggregateJson("ostrava-1", null,
                    NOW.minusSeconds(60), 12.5, 49.8209, 18.2625), NOW.minusSeconds(60));
            producer.flush();
            JsonNode event = JSON.readTree(received.get(30, TimeUnit.SECONDS));
            assertThat(event.get("id").asText()).isEqualTo("ostrava-1");
            assertThat(event.get("site").asText()).isEqualTo("ostrava");
            assertThat(event.get("temperature").get("avg").asDouble()).isEqualTo(12.5);
            assertThat(event.get("stale").asBoolean()).isFalse();
        }
        assertThat(ids()).contains("ostrava-1");
    }

    @Test
    @Order(3)
    void restartRebuildsTheSameStateAndEvictionRemovesGauges() throws Exception {
        startFrontend();
        awaitRebuilt();
        assertThat(ids()).containsExactly("brno-roof", "ostrava-1", "prague-balcony", "prague-garden");
        assertThat(json("/api/sensors/prague-balcony/history").get("time")).hasSize(5);
        assertThat(get("/observe/metrics").body()).contains("sensor=\"prague-garden\"", "sensor=\"ostrava-1\"");

        clock.advance(Duration.ofHours(3));
        assertThat(json("/api/sensors/prague-garden").get("stale").asBoolean()).isTrue();
        assertThat(frontend.evict()).isEqualTo(4);
        assertThat(ids()).isEmpty();
        assertThat(get("/api/sensors/prague-garden").statusCode()).isEqualTo(404);
        String metrics = get("/observe/metrics").body();
        assertThat(metrics).doesNotContain("sensor=\"prague-garden\"", "sensor=\"brno-roof\"", "sensor=\"ostrava-1\"");
        assertThat(metrics).contains("frontend_records_consumed_total");
    }

    /** Many full poll batches: ready only once every record up to the end offsets is applied. */
    @Test
    @Order(4)
    void readyOnlyOnceEveryRecordUpToTheEndIsApplied() throws Exception {
        int sensors = 20;
        int minutes = 300;
        kafka.createTopics(2, List.of("bulk.sensor-data-aggregated"));
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int minute = minutes; minute >= 1; minute--) {
            Instant start = NOW.minus(Duration.ofMinutes(minute));
            for (int i = 0; i < sensors; i++) {
                sent.add(send("bulk.sensor-data-aggregated", "bulk-" + i, Fixtures.aggregateJson("bulk-" + i, "bulk",
                        start, i + minute / 100.0, 50, 14), start));
            }
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            assertThat(f).as("every record acknowledged by the broker").succeedsWithin(Duration.ofSeconds(1));
        }
        startFrontend();
        awaitRebuilt();
        for (int i = 0; i < sensors; i++) {
            JsonNode history = json("/api/sensors/bulk-" + i + "/history");
            List<Long> times = new ArrayList<>();
            history.get("time").forEach(t -> times.add(t.asLong()));
            List<Long> missing = new ArrayList<>();
            for (int minute = minutes; minute >= 1; minute--) {
                long t = NOW.minus(Duration.ofMinutes(minute)).getEpochSecond();
                if (!times.contains(t)) {
                    missing.add(t);
                }
            }
            assertThat(missing).as("bulk-" + i + ": window starts missing from its history").isEmpty();
            assertThat(times).as("bulk-" + i).hasSize(minutes);
            assertThat(json("/api/sensors/bulk-" + i).get("temperature").get("avg").asDouble()).isEqualTo(i + 0.01);
        }
        java.util.regex.Matcher consumed = java.util.regex.Pattern
                .compile("(?m)^frontend_records_consumed_total\\{.*} (\\S+)$").matcher(get("/observe/metrics").body());
        assertThat(consumed.find()).isTrue();
        assertThat(Double.parseDouble(consumed.group(1))).isGreaterThanOrEqualTo(sensors * minutes);
    }
}
