package io.kafkaedge.frontend;

import java.util.Arrays;

/**
 * Bounded, time-ordered history of one sensor in compact columns: window start (epoch seconds)
 * and the three averages as floats — 16 bytes per point. Bounded by a point count and by a time
 * reach behind the newest point. Not thread-safe: the owning {@link SensorStore.Sensor} guards it.
 */
final class History {

    /** A copy of a time range, columnar (what the browser's chart wants). */
    record Series(long[] time, float[] temperature, float[] humidity, float[] pressure) {
    }

    private final int capacity;
    private final long reachSeconds;
    private int[] time = new int[8];
    private float[] temperature = new float[8];
    private float[] humidity = new float[8];
    private float[] pressure = new float[8];
    private int head;
    private int size;

    History(int capacity, long reachSeconds) {
        this.capacity = capacity;
        this.reachSeconds = reachSeconds;
    }

    int size() {
        return size;
    }

    /** Adds (or, for a window already present, replaces) one point; keeps time order. */
    void add(long epochSecond, double temp, double hum, double pres) {
        int t = (int) epochSecond;
        if (size > 0 && t <= time[head + size - 1]) {
            int idx = Arrays.binarySearch(time, head, head + size, t);
            if (idx >= 0) {
                set(idx, t, temp, hum, pres);
                return;
            }
            if (-idx - 1 == head && (size == capacity || t < newest() - reachSeconds)) {
                return; // older than everything kept and no room: not worth a slot
            }
        }
        if (size == capacity) {
            head++;
            size--;
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
        }
        set(pos, t, temp, hum, pres);
        size++;
        long cutoff = newest() - reachSeconds;
        while (size > 1 && time[head] < cutoff) {
            head++;
            size--;
        }
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

    private void set(int i, int t, double temp, double hum, double pres) {
        time[i] = t;
        temperature[i] = (float) temp;
        humidity[i] = (float) hum;
        pressure[i] = (float) pres;
    }

    /** Makes room for one more point at the end: compact the consumed head, else grow (up to capacity + 1/8). */
    private void ensureSlot() {
        if (head + size < time.length) {
            return;
        }
        if (head > 0 && head >= size / 8) {
            System.arraycopy(time, head, time, 0, size);
            System.arraycopy(temperature, head, temperature, 0, size);
            System.arraycopy(humidity, head, humidity, 0, size);
            System.arraycopy(pressure, head, pressure, 0, size);
            head = 0;
            return;
        }
        int length = Math.min(Math.max(8, time.length * 2), capacity + Math.max(8, capacity / 8));
        if (length <= time.length) {
            length = time.length + 8;
        }
        time = Arrays.copyOf(time, length);
        temperature = Arrays.copyOf(temperature, length);
        humidity = Arrays.copyOf(humidity, length);
        pressure = Arrays.copyOf(pressure, length);
    }
}
