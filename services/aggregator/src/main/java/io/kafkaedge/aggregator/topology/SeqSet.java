package io.kafkaedge.aggregator.topology;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The {@code seq} numbers of one boot seen in one window, as sorted disjoint closed intervals
 * {@code [lo, hi]}: a sensor that counts up without loss or reordering needs one interval, so the
 * set costs 16 bytes however many readings the window holds.
 */
final class SeqSet {

    /** {@code lo0, hi0, lo1, hi1, …}, ascending, intervals neither overlapping nor adjacent. */
    private long[] bounds = new long[2];
    private int intervals;
    private long size;

    /** Adds {@code seq}; false if it was already in the set. */
    boolean add(long seq) {
        int i = find(seq);
        if (i >= 0) {
            return false;
        }
        int at = -i - 1; // index of the first interval whose lo > seq
        boolean joinsLeft = at > 0 && bounds[2 * (at - 1) + 1] == seq - 1;
        boolean joinsRight = at < intervals && bounds[2 * at] == seq + 1;
        if (joinsLeft && joinsRight) {
            bounds[2 * (at - 1) + 1] = bounds[2 * at + 1];
            System.arraycopy(bounds, 2 * (at + 1), bounds, 2 * at, 2 * (intervals - at - 1));
            intervals--;
        } else if (joinsLeft) {
            bounds[2 * (at - 1) + 1] = seq;
        } else if (joinsRight) {
            bounds[2 * at] = seq;
        } else {
            if (2 * (intervals + 1) > bounds.length) {
                bounds = Arrays.copyOf(bounds, bounds.length * 2);
            }
            System.arraycopy(bounds, 2 * at, bounds, 2 * (at + 1), 2 * (intervals - at));
            bounds[2 * at] = seq;
            bounds[2 * at + 1] = seq;
            intervals++;
        }
        size++;
        return true;
    }

    boolean contains(long seq) {
        return find(seq) >= 0;
    }

    /** Interval index holding {@code seq}, else {@code -(insertion point) - 1}. */
    private int find(long seq) {
        int low = 0;
        int high = intervals - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (bounds[2 * mid + 1] < seq) {
                low = mid + 1;
            } else if (bounds[2 * mid] > seq) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -low - 1;
    }

    long size() {
        return size;
    }

    long min() {
        return bounds[0];
    }

    long max() {
        return bounds[2 * intervals - 1];
    }

    /** Numbers between the smallest and the largest that were not seen. */
    long gaps() {
        return max() - min() + 1 - size;
    }

    int encodedSize() {
        return 4 + 16 * intervals;
    }

    void encode(ByteBuffer out) {
        out.putInt(intervals);
        for (int i = 0; i < 2 * intervals; i++) {
            out.putLong(bounds[i]);
        }
    }

    static SeqSet decode(ByteBuffer in) {
        SeqSet set = new SeqSet();
        int n = in.getInt();
        set.bounds = new long[Math.max(2, 2 * n)];
        for (int i = 0; i < 2 * n; i++) {
            set.bounds[i] = in.getLong();
        }
        set.intervals = n;
        for (int i = 0; i < n; i++) {
            set.size += set.bounds[2 * i + 1] - set.bounds[2 * i] + 1;
        }
        return set;
    }
}
