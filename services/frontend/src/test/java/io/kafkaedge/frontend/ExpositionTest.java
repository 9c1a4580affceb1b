package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

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

/**
 * The Prometheus exposition stays valid whatever a sensor id or site holds: a quote, a backslash,
 * a newline or markup in a label value is escaped ({@code \"}, {@code \\}, {@code \n}), so no
 * value can end a label, a line or a sample early and forge another series.
 */
@ServerTest
@SuppressWarnings("removal") // Metrics.globalRegistry(), as Main uses it
class ExpositionTest {

    private static final Instant NOW = Instant.parse("2026-11-24T19:00:00Z");
    /** Keeps the id-length rule (<= 128) but breaks the character set on purpose. */
    private static final String HOSTILE_ID = "expo\"} 1\nforged_series{x=\"\\<b>é";
    private static final String HOSTILE_SITE = "si\"te\n";
    private static final Frontend FRONTEND = Frontend.create(Fixtures.config(Map.of()),
            new Fixtures.MutableClock(NOW), Metrics.globalRegistry(), Map.of());
    /** One sample line of the text format: name, optional labels with escaped values, a value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\[\\\\\"n]|[^\"\\\\\\n])*\",?)*})? \\S+( \\S+)?$");

    static {
        // Not contract-valid on purpose (an old or misconfigured aggregator): the frontend keeps it as text.
        String json = Fixtures.uncheckedAggregateJson(HOSTILE_ID, HOSTILE_SITE, NOW.minusSeconds(120), 21.5, 50.0755, 14.4378);
        try {
            FRONTEND.store().accept(AggregateParser.parse("expo.sensor-data-aggregated",
                    json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (AggregateParser.MalformedAggregateException e) {
            throw new IllegalStateException(e);
        }
    }

    private final Http1Client client;

    ExpositionTest(Http1Client client) {
        this.client = client;
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

    @Test
    void everyLineIsACommentOrAWellFormedSampleAndTheHostileIdIsEscaped() {
        try (HttpClientResponse res = client.get("/observe/metrics").request()) {
            assertThat(res.status()).isEqualTo(Status.OK_200);
            String text = res.as(String.class);
            for (String line : text.split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    assertThat(line).as("exposition line").matches(SAMPLE);
                }
            }
            assertThat(text).doesNotContain("\nforged_series");
            String escapedId = HOSTILE_ID.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
            assertThat(text).containsPattern("(?m)^sensor_temperature_celsius\\{.*sensor=\"" + Pattern.quote(escapedId)
                    + "\".*} 21.5$");
        }
    }
}
