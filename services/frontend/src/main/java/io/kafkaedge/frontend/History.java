package io.kafkaedge.frontend;

import java.util.Arrays;

/**
 * Bounded, time-ordered history of one sensor in compact columns: window start (epoch seconds,
 * int), the three averages (float), the window's count and missing (short, saturating at
 * {@value Short#MAX_VALUE}; missing {@code -1} = unknown) — {@value #BYTES_PER_POINT} bytes per
 * point. The arrays grow up to {@code capacity + capacity / 8} slots (the slack lets the head move
 * without a copy on every add). Bounded by a point count and by a time reach behind the newest
 * point. It also keeps the sums of count and missing over the points whose missing is known, for
 * the completeness of the retained history. Not thread-safe: the owning {@link SensorStore.Sensor}
 * guards it.
 */
final class History {

    /** int time + 3 float averages + short count + short missing. */
    static final int BYTES_PER_POINT = 4 + 3 * 4 + 2 + 2;

    /** Slots a full history of {@code capacity} points allocates (see {@link #ensureSlot()}). */
    static int slots(int capacity) {
        return capacity + Math.max(8, capacity / 8);
    }

    /** A copy of a time range, columnar (what the browser's chart wants). */
    record Series(long[] time, float[] temperature, float[] humidity, float[] pressure) {
    }

    private static final short UNKNOWN = -1;

    private final int capacity;
    private final long reachSeconds;
    private int[] time = new int[8];
    private float[] temperature = new float[8];
    private float[] humidity = new float[8];
    private float[] pressure = new float[8];
    private short[] count = new short[8];
    private short[] missing = new short[8];
    private int head;
    private int size;
    private long knownCount;
    private long knownMissing;

    History(int capacity, long reachSeconds) {
        this.capacity = capacity;
        this.reachSeconds = reachSeconds;
    }

    int size() {
        return size;
    }

    /** Slots allocated now (memory: slots × {@link #BYTES_PER_POINT}). */
    int allocated() {
        return time.length;
    }

    /**
     * {@code sum(count) / sum(count + missing)} over the retained points whose missing is known;
     * {@code null} when there is none.
     */
    Double completeness() {
        return knownCount + knownMissing == 0 ? null : Aggregate.ratio(knownCount, knownMissing);
    }

    /**
     * Adds one point, or replaces the point of a window already present; keeps time order. Returns
     * true when it added a window not held before (false: replaced, or older than everything kept
     * while full or out of reach).
     */
    boolean add(long epochSecond, double temp, double hum, double pres, long windowCount, Long windowMissing) {
        int t = (int) epochSecond;
        short c = saturate(windowCount);
        short m = windowMissing == null ? UNKNOWN : saturate(windowMissing);
        if (size > 0 && t <= time[head + size - 1]) {
            int idx = Arrays.binarySearch(time, head, head + size, t);
            if (idx >= 0) {
                forget(idx);
                set(idx, t, temp, hum, pres, c, m);
                return false;
            }
            if (-idx - 1 == head && (size == capacity || t < newest() - reachSeconds)) {
                return false; // older than everything kept and no room: not worth a slot
            }
        }
        if (size == capacity) {
            dropOldest();
        }
        ensureSlot();
        int end = head + size;
        int pos = size > 0 && t < time[end - 1] ? -Arrays.binarySearch(time, head, end, t) - 1 : end;
        if (pos < end) {
            int n = end - pos;
            System.arraycopy(time, pos, time, pos + 1, n);
            System.arraycopy(temperature, pos, temperature, pos + 1, n);
            System.arraycopy(humidity, pos, humidity, pos + 1, n);
            System.arraycopy(pressure, pos, pressure, pos + 1, n);
            System.arraycopy(count, pos, count, pos + 1, n);
            System.arraycopy(missing, pos, missing, pos + 1, n);
        }
        set(pos, t, temp, hum, pres, c, m);
        size++;
        long cutoff = newest() - reachSeconds;
        while (size > 1 && time[head] < cutoff) {
            dropOldest();
        }
        return true;
    }

    /** Points with {@code from <= windowStart <= to} (epoch seconds). */
    Series range(long from, long to) {
        int lo = lowerBound(from);
        int hi = lowerBound(to + 1);
        int n = Math.max(0, hi - lo);
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            ts[i] = time[lo + i];
        }
        return new Series(ts, Arrays.copyOfRange(temperature, lo, lo + n),
                Arrays.copyOfRange(humidity, lo, lo + n), Arrays.copyOfRange(pressure, lo, lo + n));
    }

    private static short saturate(long v) {
        return (short) Math.min(v, Short.MAX_VALUE);
    }

    private int lowerBound(long t) {
        int lo = head;
        int hi = head + size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (time[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private long newest() {
        return time[head + size - 1];
    }

    private void dropOldest() {
        forget(head);
        head++;
        size--;
    }

    /** Takes point {@code i} out of the completeness sums. */
    private void forget(int i) {
        if (missing[i] != UNKNOWN) {
            knownCount -= count[i];
            knownMissing -= missing[i];
        }
    }

    private void set(int i, int t, double temp, double hum, double pres, short c, short m) {
        time[i] = t;
        temperature[i] = (float) temp;
        humidity[i] = (float) hum;
        pressure[i] = (float) pres;
        count[i] = c;
        missing[i] = m;
        if (m != UNKNOWN) {
            knownCount += c;
            knownMissing += m;
        }
    }

    /** Makes room for one more point at the end: compact the consumed head, else grow (up to {@link #slots}). */
    private void ensureSlot() {
        if (head + size < time.length) {
            return;
        }
        if (head > 0 && head >= size / 8) {
            System.arraycopy(time, head, time, 0, size);
            System.arraycopy(temperature, head, temperature, 0, size);
            System.arraycopy(humidity, head, humidity, 0, size);
            System.arraycopy(pressure, head, pressure, 0, size);
            System.arraycopy(count, head, count, 0, size);
            System.arraycopy(missing, head, missing, 0, size);
            head = 0;
            return;
        }
        int length = Math.min(Math.max(8, time.length * 2), slots(capacity));
        if (length <= time.length) {
            length = time.length + 8;
        }
        time = Arrays.copyOf(time, length);
        temperature = Arrays.copyOf(temperature, length);
        humidity = Arrays.copyOf(humidity, length);
        pressure = Arrays.copyOf(pressure, length);
        count = Arrays.copyOf(count, length);
        missing = Arrays.copyOf(missing, length);
    }
}
