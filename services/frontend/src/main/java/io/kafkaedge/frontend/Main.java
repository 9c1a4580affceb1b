package io.kafkaedge.frontend;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/** Wires configuration, observability and routing; the logic lives in its own classes. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        Config.global(config);
        WebServer server = WebServer.builder()
                .config(config.get("server"))
                .addFeature(observe())
                .routing(Main::routing)
                .build()
                .start();
        System.out.println("frontend listening on http://localhost:" + server.port());
    }

    static ObserveFeature observe() {
        return ObserveFeature.builder()
                .addObserver(HealthObserver.builder().details(true).build())
                .addObserver(MetricsObserver.create())
                .build();
    }

    /** Routes of the service; tests set up the same routing. */
    static void routing(HttpRouting.Builder routing) {
        routing.get("/", (req, res) -> res.send("frontend"));
    }
}
