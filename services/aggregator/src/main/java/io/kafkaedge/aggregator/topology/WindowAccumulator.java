package io.kafkaedge.aggregator.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;

/**
 * One sensor's open window, updated in place: distinct count, repeats dropped, per-quantity
 * sum/min/max, the location of the reading with the latest event time, and per boot the set of
 * {@code seq} numbers seen (for de-duplication and loss). Written to the window store as
 * {@link #key()} → {@link #encode()} after every update.
 */
final class WindowAccumulator {

    /** Format 1 (before de-duplication) is still read: no duplicates, no seq sets. */
    private static final byte VERSION_1 = 1;
    private static final int VERSION_1_SIZE = 1 + 8 + 9 * 8 + 2 * 8 + 8;
    private static final byte VERSION = 2;

    private final String sensorId;
    private final long windowStart;
    private final Bytes key;
    private long count;
    private long duplicates;
    private final double[] stats = {0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    private double latitude = Double.NaN;
    private double longitude = Double.NaN;
    private long latestEventMs = Long.MIN_VALUE;
    private final Map<String, SeqSet> boots = new LinkedHashMap<>();

    WindowAccumulator(String sensorId, long windowStart) {
        this.sensorId = sensorId;
        this.windowStart = windowStart;
        this.key = key(windowStart, sensorId);
    }

    /** Store key: window start (8 bytes, big-endian: keys sort by window), then the sensor id in UTF-8. */
    static Bytes key(long windowStart, String sensorId) {
        byte[] id = sensorId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(windowStart).put(id).array());
    }

    /** True when this window already aggregated the reading {@code (bootId, seq)}. */
    boolean seen(String bootId, long seq) {
        SeqSet set = boots.get(bootId);
        return set != null && set.contains(seq);
    }

    /** Aggregates {@code r}; the caller has checked that it is not a repeat. */
    void add(Reading r) {
        if (r.identified()) {
            boots.computeIfAbsent(r.bootId(), b -> new SeqSet()).add(r.seq());
        }
        count++;
        add(0, r.temperature());
        add(3, r.humidity());
        add(6, r.pressure());
        if (r.eventTimeMs() >= latestEventMs) {
            latestEventMs = r.eventTimeMs();
            latitude = r.latitude();
            longitude = r.longitude();
        }
    }

    /** Counts a dropped repeat. */
    void duplicate() {
        duplicates++;
    }

    private void add(int at, double value) {
        stats[at] += value;
        stats[at + 1] = Math.min(stats[at + 1], value);
        stats[at + 2] = Math.max(stats[at + 2], value);
    }

    String sensorId() {
        return sensorId;
    }

    long windowStart() {
        return windowStart;
    }

    Bytes key() {
        return key;
    }

    long count() {
        return count;
    }

    long latestEventMs() {
        return latestEventMs;
    }

    /** The largest seq of each boot in this window. */
    Map<String, Long> maxSeqByBoot() {
        Map<String, Long> max = new HashMap<>();
        boots.forEach((boot, set) -> max.put(boot, set.max()));
        return max;
    }

    /**
     * Readings known lost: per boot, the gaps inside this window plus the gap since that boot's
     * largest seq in the sensor's previous window ({@code previousMax}); a boot seen for the first
     * time (a new device boot, or a first window) adds only its inner gaps.
     */
    long missing(Map<String, Long> previousMax) {
        long missing = 0;
        for (Map.Entry<String, SeqSet> boot : boots.entrySet()) {
            SeqSet set = boot.getValue();
            missing += set.gaps();
            Long before = previousMax.get(boot.getKey());
            if (before != null && set.min() > before + 1) {
                missing += set.min() - before - 1;
            }
        }
        return missing;
    }

    /** The contract's aggregate of this window. */
    Aggregate aggregate(String site, long windowMs, Map<String, Long> previousMax) {
        return new Aggregate(sensorId, site, Instant.ofEpochMilli(windowStart).toString(),
                Instant.ofEpochMilli(windowStart + windowMs).toString(), count, duplicates, missing(previousMax),
                summary(0), summary(3), summary(6), latitude, longitude);
    }

    private Aggregate.Summary summary(int at) {
        return new Aggregate.Summary(stats[at] / count, stats[at + 1], stats[at + 2]);
    }

    byte[] encode() {
        int size = 1 + 8 + 8 + 9 * 8 + 2 * 8 + 8 + 4;
        Map<String, byte[]> ids = new LinkedHashMap<>();
        for (Map.Entry<String, SeqSet> boot : boots.entrySet()) {
            byte[] id = boot.getKey().getBytes(StandardCharsets.UTF_8);
            ids.put(boot.getKey(), id);
            size += 4 + id.length + boot.getValue().encodedSize();
        }
        ByteBuffer out = ByteBuffer.allocate(size).put(VERSION).putLong(count).putLong(duplicates);
        for (double stat : stats) {
            out.putDouble(stat);
        }
        out.putDouble(latitude).putDouble(longitude).putLong(latestEventMs).putInt(boots.size());
        for (Map.Entry<String, SeqSet> boot : boots.entrySet()) {
            byte[] id = ids.get(boot.getKey());
            out.putInt(id.length).put(id);
            boot.getValue().encode(out);
        }
        return out.array();
    }

    /** The accumulator a store entry holds. */
    static WindowAccumulator decode(Bytes key, byte[] value) {
        ByteBuffer k = ByteBuffer.wrap(key.get());
        long windowStart = k.getLong();
        String sensorId = new String(key.get(), 8, key.get().length - 8, StandardCharsets.UTF_8);
        ByteBuffer in = ByteBuffer.wrap(value);
        byte version = value.length > 0 ? in.get() : -1;
        if (!(version == VERSION || (version == VERSION_1 && value.length == VERSION_1_SIZE))) {
            throw new SerializationException("unknown window state format (" + value.length + " bytes, version "
                    + version + ") for " + sensorId);
        }
        WindowAccumulator a = new WindowAccumulator(sensorId, windowStart);
        a.count = in.getLong();
        if (version == VERSION) {
            a.duplicates = in.getLong();
        }
        for (int i = 0; i < a.stats.length; i++) {
            a.stats[i] = in.getDouble();
        }
        a.latitude = in.getDouble();
        a.longitude = in.getDouble();
        a.latestEventMs = in.getLong();
        if (version == VERSION) {
            int n = in.getInt();
            for (int i = 0; i < n; i++) {
                byte[] id = new byte[in.getInt()];
                in.get(id);
                a.boots.put(new String(id, StandardCharsets.UTF_8), SeqSet.decode(in));
            }
        }
        return a;
    }
}
