package io.kafkaedge.frontend;

import java.time.Clock;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.Metrics;
import io.helidon.openapi.OpenApiFeature;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.helidon.webserver.staticcontent.StaticContentFeature;

/** Wires configuration, Kafka, observability and routing; the logic lives in its own classes. */
public final class Main {

    private Main() {
    }

    @SuppressWarnings("removal") // Metrics.globalRegistry(): the registry /observe/metrics serves
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = Config.create();
        Frontend frontend = Frontend.create(FrontendConfig.from(config), Clock.systemUTC(),
                Metrics.globalRegistry(), Map.of());
        WebServer server = features(WebServer.builder().config(config.get("server")), frontend)
                .routing(routing -> routing(routing, frontend))
                .build()
                .start();
        frontend.start();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            frontend.stop();
            server.stop();
        }));
        System.out.println("frontend listening on http://localhost:" + server.port());
    }

    /**
     * Observability, OpenAPI, the page, and the server's own error answers (JSON, hardened
     * headers); tests set up the same.
     */
    static WebServerConfig.Builder features(WebServerConfig.Builder server, Frontend frontend) {
        return server.addFeature(observe(frontend))
                .addFeature(openApi())
                .addFeature(staticContent())
                .directHandlers(frontend.securityHeaders().directHandlers());
    }

    /** Health (readiness = state rebuilt from Kafka, liveness = consumer running) and Prometheus metrics under /observe. */
    static ObserveFeature observe(Frontend frontend) {
        return ObserveFeature.builder()
                .addObserver(HealthObserver.builder().details(true).addCheck(frontend.readiness())
                        .addCheck(frontend.liveness()).build())
                .addObserver(MetricsObserver.create())
                .build();
    }

    /** Serves META-INF/openapi.yml at /openapi. */
    static OpenApiFeature openApi() {
        return OpenApiFeature.builder().build();
    }

    /** The map page and its self-hosted libraries (classpath {@code web/}, see the pom) at /. */
    static StaticContentFeature staticContent() {
        return StaticContentFeature.builder()
                .addClasspath(cp -> cp.location("web").context("/").welcome("index.html"))
                .build();
    }

    /** Routes of the service, behind the security headers filter; tests set up the same routing. */
    static void routing(HttpRouting.Builder routing, Frontend frontend) {
        routing.addFilter(frontend.securityHeaders().filter())
                .register("/api", frontend.api());
    }
}
