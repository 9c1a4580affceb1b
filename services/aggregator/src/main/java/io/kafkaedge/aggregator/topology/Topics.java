package io.kafkaedge.aggregator.topology;

/** Default topic names (contract/README.md), the names of stores and internal topics, and DLQ headers. */
public final class Topics {

    public static final String RAW = "sensor-data";
    public static final String AGGREGATED = "sensor-data-aggregated";
    public static final String DLQ = "sensor-data-dlq";

    /**
     * Open windows (key-value store, one entry per sensor and window); its changelog is
     * {@code <application.id>-sensor-window-state-changelog}.
     */
    public static final String WINDOW_STORE = "sensor-window-state";
    /**
     * Per sensor, the largest seq of each boot in its last emitted window (key-value store); its
     * changelog is {@code <application.id>-sensor-last-seq-changelog}.
     */
    public static final String LAST_SEQ_STORE = "sensor-last-seq";
    /** Re-keying topic {@code <application.id>-rekeyed-repartition} for readings not keyed by sensor id. */
    public static final String REKEY = "rekeyed";

    /** DLQ header: the {@link Reason#code()}. */
    public static final String HEADER_REASON = "dlq.reason";
    /** DLQ header: a human-readable explanation. */
    public static final String HEADER_DETAIL = "dlq.detail";
    public static final String HEADER_SOURCE_TOPIC = "dlq.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "dlq.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "dlq.source.offset";

    private Topics() {
    }
}
