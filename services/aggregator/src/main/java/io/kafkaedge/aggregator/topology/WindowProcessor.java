package io.kafkaedge.aggregator.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Tumbling event-time windows with a grace period, final results only, in one processor node:
 * the aggregator's hot path. Per task it keeps every sensor's open windows in memory, updated in
 * place, and marks each update in a {@link WriteBehindWindowStore}, which writes the marked windows
 * to its changelog once per commit, inside the exactly-once transaction; on start it rebuilds the
 * open windows from that store.
 * <p>
 * Stream time is the largest event time this processor has accepted (rejected records never move
 * it). A window {@code [start, start + size)} closes once {@code start + size <= streamTime - grace};
 * then each sensor's aggregate is forwarded once and its store entry deleted. A reading whose
 * window has already closed is late: counted and forwarded as a dead letter. After a restart,
 * stream time is the latest event time in the restored windows — the reading that set it is always
 * in a window that is still open.
 *
 * @param <V> the value type of the records this path receives
 */
abstract class WindowProcessor<V> implements Processor<Bytes, V, Bytes, Emitted> {

    private final String storeName;
    private final long windowMs;
    private final long graceMs;
    private final String site;
    protected final PipelineMetrics metrics;
    private final TreeMap<Long, Map<String, WindowAccumulator>> open = new TreeMap<>();
    private ProcessorContext<Bytes, Emitted> context;
    private WriteBehindWindowStore store;
    private long streamTime = Long.MIN_VALUE;
    private long lastStart;
    private Map<String, WindowAccumulator> lastSensors;

    WindowProcessor(String storeName, TopologySettings settings, PipelineMetrics metrics) {
        this.storeName = storeName;
        this.windowMs = settings.window().toMillis();
        this.graceMs = settings.grace().toMillis();
        this.site = settings.site();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Bytes, Emitted> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        open.clear();
        lastSensors = null;
        streamTime = Long.MIN_VALUE;
        try (KeyValueIterator<Bytes, byte[]> entries = store.all()) {
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
     * Puts a valid reading (its event time is the record's timestamp) into its sensor's window.
     *
     * @param origin where the reading was read from {@code sensor-data}; {@code null}: the current record
     */
    protected final void window(Record<Bytes, ?> record, String sensorId, Reading reading,
                                SensorReading.Origin origin, byte[] raw) {
        long time = record.timestamp();
        streamTime = Math.max(streamTime, time);
        long start = time - Math.floorMod(time, windowMs);
        long closedBefore = streamTime - graceMs;
        if (start + windowMs <= closedBefore) {
            metrics.late();
            String detail = "window [" + Instant.ofEpochMilli(start) + ", " + Instant.ofEpochMilli(start + windowMs)
                    + ") closed (grace " + graceMs + " ms)";
            context.forward(record.withValue(Emitted.deadLetter(raw))
                    .withHeaders(DeadLetters.headers(record.headers(), Reason.LATE, detail,
                            origin != null ? origin : currentOrigin())));
            return;
        }
        metrics.accepted();
        Map<String, WindowAccumulator> sensors = sensorsOf(start);
        WindowAccumulator window = sensors.get(sensorId);
        if (window == null) {
            window = new WindowAccumulator(sensorId, start);
            sensors.put(sensorId, window);
        }
        window.add(reading);
        store.changed(window);
        if (open.firstKey() + windowMs <= closedBefore) {
            closeWindows(closedBefore);
        }
    }

    /** The open window starting at {@code start}; the last one used is at hand (no boxing, no tree walk). */
    private Map<String, WindowAccumulator> sensorsOf(long start) {
        if (lastSensors == null || lastStart != start) {
            lastSensors = open.computeIfAbsent(start, s -> new HashMap<>());
            lastStart = start;
        }
        return lastSensors;
    }

    /**
     * Forwards and forgets every window that ends at or before {@code closedBefore}, in sensor id
     * order, and asks for a commit: under exactly-once the aggregates become visible to
     * {@code read_committed} consumers (MirrorMaker 2) then, not up to a commit interval later.
     */
    private void closeWindows(long closedBefore) {
        while (!open.isEmpty() && open.firstKey() + windowMs <= closedBefore) {
            Map<String, WindowAccumulator> sensors = open.pollFirstEntry().getValue();
            if (sensors == lastSensors) {
                lastSensors = null;
            }
            List<WindowAccumulator> closed = new ArrayList<>(sensors.values());
            closed.sort(Comparator.comparing(WindowAccumulator::sensorId));
            for (WindowAccumulator window : closed) {
                byte[] json = AggregateJson.write(window.aggregate(site, windowMs));
                context.forward(new Record<>(Bytes.wrap(window.sensorId().getBytes(StandardCharsets.UTF_8)),
                        Emitted.aggregate(json), window.latestEventMs(), new RecordHeaders()));
                store.closed(window);
                metrics.emitted();
            }
            context.commit();
        }
    }

    /** Origin of the record being processed (for a dead letter). */
    protected final SensorReading.Origin currentOrigin() {
        return context.recordMetadata()
                .map(m -> new SensorReading.Origin(m.topic(), m.partition(), m.offset()))
                .orElse(SensorReading.Origin.UNKNOWN);
    }

    /** Readings keyed by their sensor id, straight from the raw topic; also dead-letters what did not parse. */
    static final class Direct extends WindowProcessor<ParseResult> {

        Direct(String storeName, TopologySettings settings, PipelineMetrics metrics) {
            super(storeName, settings, metrics);
        }

        @Override
        public void process(Record<Bytes, ParseResult> record) {
            switch (record.value()) {
                case ParseResult.Valid valid -> window(record, Identify.id(record.key(), valid.reading()), valid.reading(),
                        null, valid.raw());
                case ParseResult.Rejected rejected -> {
                    metrics.rejected(rejected.reason());
                    context().forward(record.withValue(Emitted.deadLetter(rejected.raw()))
                            .withHeaders(DeadLetters.headers(record.headers(), rejected.reason(), rejected.detail(),
                                    currentOrigin())));
                }
            }
        }
    }

    /** Readings that came back through the re-keying topic, origin and id attached. */
    static final class Rekeyed extends WindowProcessor<SensorReading> {

        Rekeyed(String storeName, TopologySettings settings, PipelineMetrics metrics) {
            super(storeName, settings, metrics);
        }

        @Override
        public void process(Record<Bytes, SensorReading> record) {
            SensorReading value = record.value();
            window(record, value.id(), value.reading(), value.origin(), value.raw());
        }
    }
}
