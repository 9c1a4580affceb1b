package io.kafkaedge.frontend;

import io.helidon.config.Config;

/** Prints the effective configuration of a fresh JVM; {@link FrontendConfigTest} runs it with environment variables set. */
public final class ConfigProbe {

    private ConfigProbe() {
    }

    public static void main(String[] args) {
        Config config = Config.create();
        System.out.println("server.port=" + config.get("server.port").asInt().orElse(-1));
        FrontendConfig frontend = FrontendConfig.from(config);
        System.out.println(frontend);
        System.out.println("truststorePassword=" + frontend.kafka().tls().truststorePassword());
        System.out.println("keystorePassword=" + frontend.kafka().tls().keystorePassword());
    }
}
