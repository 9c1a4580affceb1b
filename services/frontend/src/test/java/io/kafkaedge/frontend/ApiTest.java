package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Status;
import io.helidon.metrics.api.Metrics;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** REST API, static assets, OpenAPI, health and metrics against a store filled directly (no Kafka). */
@ServerTest
@SuppressWarnings("removal") // Metrics.globalRegistry(), as Main uses it
class ApiTest {

    private static final Instant NOW = Instant.parse("2026-11-24T19:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Frontend FRONTEND = Frontend.create(Fixtures.config(Map.of()),
            new Fixtures.MutableClock(NOW), Metrics.globalRegistry(), Map.of());

    static {
        SensorStore store = FRONTEND.store();
        for (int i = 10; i >= 1; i--) {
            // The last window lost 6 of 60 readings (completeness 0.9) and 2 resends were dropped.
            store.accept(i == 1
                    ? Fixtures.aggregate("api-prague-1", "prague", NOW.minus(Duration.ofMinutes(2)), 21, 54, 2, 6)
                    : Fixtures.aggregate("api-prague-1", "prague", NOW.minus(Duration.ofMinutes(i + 1)), 20 + i));
        }
        store.accept(Fixtures.aggregate("api-brno-1", "brno", NOW.minus(Duration.ofMinutes(10)), -5.5));
    }

    private final Http1Client client;
    private final java.net.URI uri;

    ApiTest(Http1Client client, java.net.URI uri) {
        this.client = client;
        this.uri = uri;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        Main.features(server, FRONTEND);
    }

    @SetUpRoute
    static void route(HttpRouting.Builder routing) {
        Main.routing(routing, FRONTEND);
    }

    @AfterAll
    static void close() {
        FRONTEND.close();
    }

    private JsonNode get(String pathAndQuery, Status expected) throws Exception {
        String[] parts = pathAndQuery.split("\\?", 2);
        var request = client.get(parts[0]);
        if (parts.length == 2) {
            for (String pair : parts[1].split("&")) {
                String[] kv = pair.split("=", 2);
                request.queryParam(kv[0], kv[1]);
            }
        }
        String path = pathAndQuery;
        try (HttpClientResponse res = request.request()) {
            String body = res.as(String.class);
            assertThat(res.status()).as(path + " -> " + body).isEqualTo(expected);
            assertThat(res.headers().contentType().orElseThrow().mediaType().text()).isEqualTo("application/json");
            return JSON.readTree(body);
        }
    }

    @Test
    void sensorsListsLatestPerSensorWithStaleFlag() throws Exception {
        JsonNode sensors = get("/api/sensors", Status.OK_200);
        assertThat(sensors).hasSize(2);
        JsonNode brno = sensors.get(0);
        assertThat(brno.get("id").asText()).isEqualTo("api-brno-1");
        assertThat(brno.get("site").asText()).isEqualTo("brno");
        assertThat(brno.get("stale").asBoolean()).isTrue();
        assertThat(brno.get("temperature").get("avg").asDouble()).isEqualTo(-5.5);
        JsonNode prague = sensors.get(1);
        assertThat(prague.get("stale").asBoolean()).isFalse();
        assertThat(prague.get("temperature").get("avg").asDouble()).isEqualTo(21.0);
        assertThat(prague.get("lastSeen").asText()).isEqualTo("2026-11-24T18:59:00Z");
        assertThat(prague.get("windowStart").asText()).isEqualTo("2026-11-24T18:58:00Z");
        assertThat(prague.get("latitude").asDouble()).isEqualTo(50.0755);
        assertThat(prague.get("count").asInt()).isEqualTo(54);
        assertThat(prague.get("duplicates").asInt()).isEqualTo(2);
        assertThat(prague.get("missing").asInt()).isEqualTo(6);
        assertThat(prague.get("completeness").asDouble()).isEqualTo(0.9);
        assertThat(prague.get("historyCompleteness").asDouble()).isEqualTo(594.0 / 600);
        assertThat(prague.get("incomplete").asBoolean()).as("0.9 < sensors.completeness 0.95").isTrue();
        assertThat(brno.get("completeness").asDouble()).isEqualTo(1.0);
        assertThat(brno.get("incomplete").asBoolean()).isFalse();

        JsonNode onlyPrague = get("/api/sensors?site=prague", Status.OK_200);
        assertThat(onlyPrague).hasSize(1);
        assertThat(onlyPrague.get(0).get("id").asText()).isEqualTo("api-prague-1");
        assertThat(get("/api/sensors?site=nowhere", Status.OK_200)).isEmpty();
    }

    @Test
    void sensorListIsServedPrecompressedToClientsAcceptingGzip() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var plain = http.send(java.net.http.HttpRequest.newBuilder(uri.resolve("/api/sensors")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        var gzip = http.send(java.net.http.HttpRequest.newBuilder(uri.resolve("/api/sensors"))
                .header("Accept-Encoding", "gzip").build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
        assertThat(gzip.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gzip.headers().firstValue("vary")).hasValue("Accept-Encoding");
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.body());
        }
        assertThat(JSON.readTree(plain.body())).hasSize(2);
    }

    @Test
    void oneSensorOr404() throws Exception {
        assertThat(get("/api/sensors/api-brno-1", Status.OK_200).get("site").asText()).isEqualTo("brno");
        JsonNode error = get("/api/sensors/no-such-sensor", Status.NOT_FOUND_404);
        assertThat(error.get("status").asInt()).isEqualTo(404);
        assertThat(error.get("error").asText()).contains("no-such-sensor");
        assertThat(get("/api/sensors/no-such-sensor/history", Status.NOT_FOUND_404).get("error").asText())
                .contains("unknown sensor");
    }

    @Test
    void historyDefaultsToTheRetentionAndHonoursFromTo() throws Exception {
        JsonNode all = get("/api/sensors/api-prague-1/history", Status.OK_200);
        assertThat(all.get("time")).hasSize(10);
        assertThat(all.get("temperature").get(0).asDouble()).isEqualTo(30.0);
        assertThat(all.get("temperature").get(9).asDouble()).isEqualTo(21.0);
        assertThat(all.get("to").asText()).isEqualTo(NOW.toString());

        JsonNode some = get("/api/sensors/api-prague-1/history?from=2026-11-24T18:50:00Z&to=2026-11-24T18:52:00Z",
                Status.OK_200);
        assertThat(some.get("time")).hasSize(3);
        assertThat(some.get("time").get(0).asLong()).isEqualTo(Instant.parse("2026-11-24T18:50:00Z").getEpochSecond());
        assertThat(some.get("humidity")).hasSize(3);
        assertThat(some.get("pressure")).hasSize(3);
    }

    @Test
    void badQueryParametersAre400NamingTheParameter() throws Exception {
        JsonNode from = get("/api/sensors/api-prague-1/history?from=yesterday", Status.BAD_REQUEST_400);
        assertThat(from.get("parameter").asText()).isEqualTo("from");
        assertThat(from.get("error").asText()).contains("'from'", "yesterday");
        JsonNode to = get("/api/sensors/api-prague-1/history?to=2026-13-01", Status.BAD_REQUEST_400);
        assertThat(to.get("parameter").asText()).isEqualTo("to");
        JsonNode order = get("/api/sensors/api-prague-1/history?from=2026-11-24T18:00:00Z&to=2026-11-24T17:00:00Z",
                Status.BAD_REQUEST_400);
        assertThat(order.get("parameter").asText()).isEqualTo("from");
    }

    @Test
    void sitesCountSensorsAndStaleOnes() throws Exception {
        JsonNode sites = get("/api/sites", Status.OK_200);
        assertThat(sites.toString()).isEqualTo(
                "[{\"site\":\"brno\",\"sensors\":1,\"stale\":1},{\"site\":\"prague\",\"sensors\":1,\"stale\":0}]");
    }

    @Test
    void mapConfigComesFromConfiguration() throws Exception {
        JsonNode config = get("/api/config", Status.OK_200);
        assertThat(config.get("tiles").asText()).isEqualTo("https://tile.openstreetmap.org/{z}/{x}/{y}.png");
        assertThat(config.get("staleAfterSeconds").asLong()).isEqualTo(180);
        assertThat(config.get("completenessThreshold").asDouble()).isEqualTo(0.95);
    }

    @Test
    void pageAndSelfHostedLibrariesAreServed() {
        try (HttpClientResponse page = client.get("/").request()) {
            assertThat(page.status()).isEqualTo(Status.OK_200);
            String html = page.as(String.class);
            assertThat(html).contains("vendor/leaflet/leaflet.js", "vendor/uplot/uPlot.iife.min.js")
                    .doesNotContain("https://");
        }
        for (String asset : List.of("/app.js", "/app.css", "/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css",
                "/vendor/uplot/uPlot.iife.min.js", "/vendor/uplot/uPlot.min.css",
                "/vendor/topojson-client/dist/topojson-client.min.js", "/vendor/world-atlas/countries-110m.json")) {
            try (HttpClientResponse res = client.get(asset).request()) {
                assertThat(res.status()).as(asset).isEqualTo(Status.OK_200);
                assertThat(res.as(String.class)).as(asset).hasSizeGreaterThan(1000);
            }
        }
    }

    @Test
    void openApiDescribesTheApi() {
        try (HttpClientResponse res = client.get("/openapi").header(io.helidon.http.HeaderNames.ACCEPT,
                "application/vnd.oai.openapi").request()) {
            assertThat(res.status()).isEqualTo(Status.OK_200);
            assertThat(res.as(String.class)).contains("/api/sensors/{id}/history", "/api/sites", "/api/events");
        }
    }

    @Test
    void gaugesPerSensorWithLabels() {
        try (HttpClientResponse res = client.get("/observe/metrics").request()) {
            assertThat(res.status()).isEqualTo(Status.OK_200);
            String text = res.as(String.class);
            assertThat(text).containsPattern("(?m)^sensor_temperature_celsius\\{(?=.*site=\"prague\")(?=.*sensor=\"api-prague-1\")"
                    + "(?=.*latitude=\"50.0755\")(?=.*longitude=\"14.4378\").*} 21.0$");
            assertThat(text).containsPattern("(?m)^sensor_humidity_percent\\{.*sensor=\"api-brno-1\".*} 54.9$");
            assertThat(text).containsPattern("(?m)^sensor_pressure_hpa\\{.*sensor=\"api-brno-1\".*} 981.6$");
            assertThat(text).containsPattern("(?m)^sensor_last_seen_timestamp_seconds\\{.*sensor=\"api-prague-1\".*} "
                    + Double.toString(NOW.minusSeconds(60).getEpochSecond()).replace(".", "\\.") + "$");
            assertThat(text).containsPattern("(?m)^sensor_completeness_ratio\\{.*sensor=\"api-prague-1\".*} 0.9$");
            assertThat(text).containsPattern("(?m)^sensor_completeness_ratio\\{.*sensor=\"api-brno-1\".*} 1.0$");
            assertThat(text).containsPattern("(?m)^sensor_readings_missing_total\\{(?=.*site=\"prague\").*sensor=\"api-prague-1\".*} 6.0$");
            assertThat(text).containsPattern("(?m)^sensor_readings_duplicate_total\\{.*sensor=\"api-prague-1\".*} 2.0$");
            assertThat(text).contains("frontend_records_consumed_total", "frontend_records_rejected_total",
                    "frontend_consumer_lag", "frontend_identifiers_nonconforming_total");
        }
    }

    @Test
    void notReadyUntilTheStateIsRebuilt() {
        // The consumer of this test never starts, so the state is never rebuilt from Kafka.
        try (HttpClientResponse res = client.get("/observe/health/ready").request()) {
            assertThat(res.status()).isEqualTo(Status.SERVICE_UNAVAILABLE_503);
        }
        try (HttpClientResponse res = client.get("/observe/health/live").request()) {
            assertThat(res.status()).isEqualTo(Status.OK_200);
        }
    }
}
