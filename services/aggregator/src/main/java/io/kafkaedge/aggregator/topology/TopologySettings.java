package io.kafkaedge.aggregator.topology;

import java.time.Duration;
import java.util.Objects;

import io.kafkaedge.contract.Contract;

/**
 * What the topology is built from.
 *
 * @param site           written into every aggregate
 * @param window         tumbling window size
 * @param grace          how long after a window's end readings are still accepted
 * @param maxFutureSkew  how far ahead of the clock a reading's timestamp may be
 */
public record TopologySettings(String site, String rawTopic, String aggregatedTopic, String dlqTopic,
                               Duration window, Duration grace, Duration maxFutureSkew) {

    public TopologySettings {
        Objects.requireNonNull(site, "site");
        if (!Contract.isIdentifier(site)) {
            throw new IllegalArgumentException("site '" + site + "' is not an identifier " + Contract.IDENTIFIER.pattern());
        }
        Objects.requireNonNull(rawTopic, "rawTopic");
        Objects.requireNonNull(aggregatedTopic, "aggregatedTopic");
        Objects.requireNonNull(dlqTopic, "dlqTopic");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, was " + window);
        }
        if (grace.isNegative() || maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("grace and maxFutureSkew must not be negative");
        }
    }

    /** The contract's defaults: 1-minute windows, 10 s grace and future skew. */
    public static TopologySettings defaults(String site) {
        return new TopologySettings(site, Topics.RAW, Topics.AGGREGATED, Topics.DLQ,
                Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(10));
    }
}
