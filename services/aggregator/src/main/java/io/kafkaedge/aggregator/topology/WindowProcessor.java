package io.kafkaedge.aggregator.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kafkaedge.contract.Contract;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Tumbling event-time windows with a grace period, de-duplication by (sensorId, bootId, seq), loss
 * counting, final results only — one processor node over two public key-value stores:
 * <ul>
 *   <li>the window store (window start + sensor id → {@link WindowAccumulator}), written on every
 *       update; Streams' record cache in front of it turns the updates of one commit interval into
 *       one changelog record per window, inside the exactly-once transaction;</li>
 *   <li>the last-seq store (sensor id → {@link LastSeq}), the largest seq per boot of the sensor's
 *       last emitted window, from which the next window's gap is counted.</li>
 * </ul>
 * The processor also keeps the open windows in memory (rebuilt from the window store in
 * {@link #init}, which Streams calls after restoring it). A reading's identity is looked up in
 * every open window of its sensor: the seen-sets are the de-duplication state, bounded by the open
 * windows (window + grace), and restored with them after a restart or a rebalance.
 * <p>
 * Stream time is the largest event time this processor has accepted (rejected records never move
 * it). A window {@code [start, start + size)} closes once {@code start + size <= streamTime - grace};
 * then each sensor's aggregate is forwarded once and its store entry deleted. A reading whose
 * window has already closed is late: counted and forwarded as a dead letter (a resend of an already
 * emitted reading, too: its window's seen-set is gone). After a restart, stream time is the latest
 * event time in the restored windows — the reading that set it is always in a window still open.
 *
 * @param <V> the value type of the records this path receives
 */
abstract class WindowProcessor<V> implements Processor<Bytes, V, Bytes, Emitted> {

    private static final Serializer<Aggregate> AGGREGATE_JSON = new JsonSerde<>(Aggregate.class).serializer();

    private final String windowStoreName;
    private final String lastSeqStoreName;
    private final long windowMs;
    private final long graceMs;
    private final String site;
    protected final PipelineMetrics metrics;
    private final TreeMap<Long, Map<String, WindowAccumulator>> open = new TreeMap<>();
    private ProcessorContext<Bytes, Emitted> context;
    private KeyValueStore<Bytes, byte[]> windows;
    private KeyValueStore<Bytes, byte[]> lastSeq;
    private long streamTime = Long.MIN_VALUE;

    WindowProcessor(String windowStoreName, String lastSeqStoreName, TopologySettings settings, PipelineMetrics metrics) {
        this.windowStoreName = windowStoreName;
        this.lastSeqStoreName = lastSeqStoreName;
        this.windowMs = settings.window().toMillis();
        this.graceMs = settings.grace().toMillis();
        this.site = settings.site();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Bytes, Emitted> context) {
        this.context = context;
        this.windows = context.getStateStore(windowStoreName);
        this.lastSeq = context.getStateStore(lastSeqStoreName);
        open.clear();
        streamTime = Long.MIN_VALUE;
        try (KeyValueIterator<Bytes, byte[]> entries = windows.all()) {
            while (entries.hasNext()) {
                KeyValue<Bytes, byte[]> entry = entries.next();
                WindowAccumulator window = WindowAccumulator.decode(entry.key, entry.value);
                open.computeIfAbsent(window.windowStart(), start -> new HashMap<>()).put(window.sensorId(), window);
                streamTime = Math.max(streamTime, window.latestEventMs());
            }
        }
    }

    protected final ProcessorContext<Bytes, Emitted> context() {
        return context;
    }

    /**
     * Puts a valid reading (its event time is the record's timestamp) into its sensor's window,
     * unless it is late (dead letter), a repeat (counted, dropped) or its id is not an identifier.
     *
     * @param origin where the reading was read from {@code sensor-data}; {@code null}: the current record
     */
    protected final void window(Record<Bytes, ?> record, String sensorId, Reading reading,
                                SensorReading.Origin origin, byte[] raw) {
        if (!Contract.isIdentifier(sensorId)) { // an id taken from the record key
            reject(record, raw, Reason.INVALID_FIELD, "the record key is not an identifier "
                    + Contract.IDENTIFIER.pattern() + " and the reading has no sensorId", origin);
            return;
        }
        long time = record.timestamp();
        streamTime = Math.max(streamTime, time);
        long start = time - Math.floorMod(time, windowMs);
        long closedBefore = streamTime - graceMs;
        if (start + windowMs <= closedBefore) {
            metrics.late();
            String detail = "window [" + Instant.ofEpochMilli(start) + ", " + Instant.ofEpochMilli(start + windowMs)
                    + ") closed (grace " + graceMs + " ms)";
            context.forward(DeadLetters.of(record, raw, Reason.LATE, detail, origin != null ? origin : currentOrigin()));
            return;
        }
        WindowAccumulator original = reading.identified() ? windowThatSaw(sensorId, reading) : null;
        if (original != null) {
            metrics.duplicate();
            original.duplicate();
            windows.put(original.key(), original.encode());
        } else {
            metrics.accepted();
            Map<String, WindowAccumulator> sensors = open.computeIfAbsent(start, s -> new HashMap<>());
            WindowAccumulator window = sensors.get(sensorId);
            if (window == null) {
                window = new WindowAccumulator(sensorId, start);
                sensors.put(sensorId, window);
            }
            window.add(reading);
            windows.put(window.key(), window.encode());
        }
        if (!open.isEmpty() && open.firstKey() + windowMs <= closedBefore) {
            closeWindows(closedBefore);
        }
    }

    /** The open window of {@code sensorId} that already aggregated this reading's (bootId, seq), or null. */
    private WindowAccumulator windowThatSaw(String sensorId, Reading reading) {
        for (Map<String, WindowAccumulator> sensors : open.values()) {
            WindowAccumulator window = sensors.get(sensorId);
            if (window != null && window.seen(reading.bootId(), reading.seq())) {
                return window;
            }
        }
        return null;
    }

    /**
     * Forwards and forgets every window that ends at or before {@code closedBefore}, in sensor id
     * order, and asks for a commit: under exactly-once the aggregates become visible to
     * {@code read_committed} consumers (MirrorMaker 2) then, not up to a commit interval later.
     */
    private void closeWindows(long closedBefore) {
        while (!open.isEmpty() && open.firstKey() + windowMs <= closedBefore) {
            List<WindowAccumulator> closed = new ArrayList<>(open.pollFirstEntry().getValue().values());
            closed.sort(Comparator.comparing(WindowAccumulator::sensorId));
            for (WindowAccumulator window : closed) {
                Bytes sensorKey = Bytes.wrap(window.sensorId().getBytes(StandardCharsets.UTF_8));
                Aggregate aggregate = window.aggregate(site, windowMs, LastSeq.decode(lastSeq.get(sensorKey)));
                Map<String, Long> maxByBoot = window.maxSeqByBoot();
                if (!maxByBoot.isEmpty()) {
                    lastSeq.put(sensorKey, LastSeq.encode(maxByBoot));
                }
                byte[] json = AGGREGATE_JSON.serialize(null, aggregate);
                context.forward(new Record<>(sensorKey, Emitted.aggregate(json), window.latestEventMs()));
                windows.delete(window.key());
                metrics.emitted(aggregate);
            }
            context.commit();
        }
    }

    /** Counts and dead-letters the current record. */
    protected final void reject(Record<Bytes, ?> record, byte[] raw, Reason reason, String detail,
                                SensorReading.Origin origin) {
        metrics.rejected(reason);
        context.forward(DeadLetters.of(record, raw, reason, detail, origin != null ? origin : currentOrigin()));
    }

    /** Origin of the record being processed (for a dead letter). */
    protected final SensorReading.Origin currentOrigin() {
        return context.recordMetadata()
                .map(m -> new SensorReading.Origin(m.topic(), m.partition(), m.offset()))
                .orElse(SensorReading.Origin.UNKNOWN);
    }

    /** Readings keyed by their sensor id, straight from the raw topic; also dead-letters what did not parse. */
    static final class Direct extends WindowProcessor<ParseResult> {

        Direct(String windowStore, String lastSeqStore, TopologySettings settings, PipelineMetrics metrics) {
            super(windowStore, lastSeqStore, settings, metrics);
        }

        @Override
        public void process(Record<Bytes, ParseResult> record) {
            switch (record.value()) {
                case ParseResult.Valid valid -> window(record, Identify.id(record.key(), valid.reading()), valid.reading(),
                        null, valid.raw());
                case ParseResult.Rejected rejected -> reject(record, rejected.raw(), rejected.reason(), rejected.detail(),
                        null);
            }
        }
    }

    /** Readings that came back through the re-keying topic, origin and id attached. */
    static final class Rekeyed extends WindowProcessor<SensorReading> {

        Rekeyed(String windowStore, String lastSeqStore, TopologySettings settings, PipelineMetrics metrics) {
            super(windowStore, lastSeqStore, settings, metrics);
        }

        @Override
        public void process(Record<Bytes, SensorReading> record) {
            SensorReading value = record.value();
            window(record, value.id(), value.reading(), value.origin(), value.raw());
        }
    }
}
