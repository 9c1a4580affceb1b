package io.kafkaedge.aggregator.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;

/**
 * One sensor's open window, updated in place: count, per-quantity sum/min/max, and the location
 * of the reading with the latest event time. Mirrored into the window state store as
 * {@link #key()} → {@link #encode()} after every update, so the changelog always holds it.
 */
final class WindowAccumulator {

    private static final byte VERSION = 1;
    static final int ENCODED_SIZE = 1 + 8 + 9 * 8 + 2 * 8 + 8;

    private final String sensorId;
    private final long windowStart;
    private final Bytes key;
    private long count;
    private final double[] stats = {0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    private double latitude = Double.NaN;
    private double longitude = Double.NaN;
    private long latestEventMs = Long.MIN_VALUE;
    /** Bookkeeping of {@link WriteBehindWindowStore}: to be written at its next flush. */
    boolean marked;
    /** Bookkeeping of {@link WriteBehindWindowStore}: emitted; its entry goes at the next flush. */
    boolean closed;
    /** Bookkeeping of {@link WriteBehindWindowStore}: the store holds an entry for it. */
    boolean written;

    WindowAccumulator(String sensorId, long windowStart) {
        this.sensorId = sensorId;
        this.windowStart = windowStart;
        this.key = key(windowStart, sensorId);
    }

    /** Store key: window start (8 bytes, big-endian), then the sensor id in UTF-8. */
    static Bytes key(long windowStart, String sensorId) {
        byte[] id = sensorId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(windowStart).put(id).array());
    }

    void add(Reading r) {
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

    /** The contract's aggregate of this window. */
    Aggregate aggregate(String site, long windowMs) {
        return new Aggregate(sensorId, site, java.time.Instant.ofEpochMilli(windowStart).toString(),
                java.time.Instant.ofEpochMilli(windowStart + windowMs).toString(), count,
                summary(0), summary(3), summary(6), latitude, longitude);
    }

    private Aggregate.Summary summary(int at) {
        return new Aggregate.Summary(stats[at] / count, stats[at + 1], stats[at + 2]);
    }

    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(ENCODED_SIZE).put(VERSION).putLong(count);
        for (double stat : stats) {
            out.putDouble(stat);
        }
        return out.putDouble(latitude).putDouble(longitude).putLong(latestEventMs).array();
    }

    /** The accumulator a store entry holds. */
    static WindowAccumulator decode(Bytes key, byte[] value) {
        ByteBuffer k = ByteBuffer.wrap(key.get());
        long windowStart = k.getLong();
        String sensorId = new String(key.get(), 8, key.get().length - 8, StandardCharsets.UTF_8);
        ByteBuffer in = ByteBuffer.wrap(value);
        if (value.length != ENCODED_SIZE || in.get() != VERSION) {
            throw new SerializationException("unknown window state format (" + value.length + " bytes, version "
                    + (value.length > 0 ? value[0] : -1) + ") for " + sensorId);
        }
        WindowAccumulator a = new WindowAccumulator(sensorId, windowStart);
        a.count = in.getLong();
        for (int i = 0; i < a.stats.length; i++) {
            a.stats[i] = in.getDouble();
        }
        a.latitude = in.getDouble();
        a.longitude = in.getDouble();
        a.latestEventMs = in.getLong();
        a.written = true;
        return a;
    }
}
