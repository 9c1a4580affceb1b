package io.kafkaedge.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Status;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.Test;

@ServerTest
class MainTest {

    private final Http1Client client;

    MainTest(Http1Client client) {
        this.client = client;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        server.addFeature(Main.observe());
    }

    @SetUpRoute
    static void route(HttpRouting.Builder routing) {
        Main.routing(routing);
    }

    @Test
    void livenessAndMetricsAreServed() {
        try (var live = client.get("/observe/health/live").request()) {
            assertThat(live.status()).isEqualTo(Status.OK_200);
        }
        try (var metrics = client.get("/observe/metrics").request()) {
            assertThat(metrics.status()).isEqualTo(Status.OK_200);
            assertThat(metrics.as(String.class)).contains("# TYPE");
        }
    }
}
