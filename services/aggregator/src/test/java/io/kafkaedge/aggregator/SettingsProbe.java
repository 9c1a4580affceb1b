package io.kafkaedge.aggregator;

import io.helidon.config.Config;

/** Prints the settings Main would use (Config.create(): application.yaml + environment). */
public final class SettingsProbe {

    private SettingsProbe() {
    }

    public static void main(String[] args) {
        AggregatorSettings s = AggregatorSettings.from(Config.create());
        System.out.println("site=" + s.topology().site());
        System.out.println("window=" + s.topology().window());
        System.out.println("grace=" + s.topology().grace());
        System.out.println("skew=" + s.topology().maxFutureSkew());
        System.out.println("dlq=" + s.topology().dlqTopic());
        s.kafka().forEach((k, v) -> System.out.println("kafka." + k + "=" + v));
    }
}
