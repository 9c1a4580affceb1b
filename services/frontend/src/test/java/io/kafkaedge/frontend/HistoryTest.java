package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class HistoryTest {

    @Test
    void keepsAtMostCapacityPointsNewestFirstOut() {
        History h = new History(100, Long.MAX_VALUE / 4);
        for (int i = 0; i < 1000; i++) {
            h.add(i * 60L, i, 50, 1000, 60, 0L);
        }
        assertThat(h.size()).isEqualTo(100);
        History.Series s = h.range(0, Long.MAX_VALUE / 4);
        assertThat(s.time()).hasSize(100);
        assertThat(s.time()[0]).isEqualTo(900 * 60L);
        assertThat(s.temperature()[99]).isEqualTo(999f);
    }

    @Test
    void dropsPointsOlderThanTheReachBehindTheNewest() {
        History h = new History(10_000, 3600);
        for (int i = 0; i <= 180; i++) {
            h.add(1_000_000 + i * 60L, i, 50, 1000, 60, 0L);
        }
        History.Series s = h.range(0, 2_000_000);
        assertThat(s.time()[0]).isEqualTo(1_000_000 + 120 * 60L);
        assertThat(h.size()).isEqualTo(61);
    }

    @Test
    void duplicatesReplaceAndLateOnesAreInsertedInOrder() {
        History h = new History(10, 1_000_000);
        h.add(120, 1, 1, 1, 60, 0L);
        h.add(240, 2, 2, 2, 60, 0L);
        h.add(120, 9, 9, 9, 60, 0L);   // the same window again (MirrorMaker 2 redelivery): replaced
        h.add(180, 3, 3, 3, 60, 0L);   // late: lands between
        History.Series s = h.range(0, 1000);
        assertThat(s.time()).containsExactly(120, 180, 240);
        assertThat(s.temperature()).containsExactly(9f, 3f, 2f);
    }

    @Test
    void rangeIsInclusiveAndMayBeEmpty() {
        History h = new History(10, 1_000_000);
        for (int i = 1; i <= 5; i++) {
            h.add(i * 60L, i, i, i, 60, 0L);
        }
        assertThat(h.range(120, 240).time()).containsExactly(120, 180, 240);
        assertThat(h.range(1000, 2000).time()).isEmpty();
        assertThat(new History(10, 10).range(0, 10).time()).isEmpty();
    }

    @Test
    void completenessSumsTheRetainedWindowsThatReportLoss() {
        History h = new History(3, 1_000_000);
        assertThat(h.completeness()).isNull();
        h.add(60, 20, 50, 1000, 60, null);          // an older aggregator: unknown, not counted
        assertThat(h.completeness()).isNull();
        h.add(120, 20, 50, 1000, 50, 10L);
        assertThat(h.completeness()).isEqualTo(50.0 / 60);
        h.add(180, 20, 50, 1000, 60, 0L);
        assertThat(h.completeness()).isEqualTo(110.0 / 120);
        assertThat(h.add(120, 20, 50, 1000, 60, 0L)).as("a redelivered window replaces").isFalse();
        assertThat(h.completeness()).isEqualTo(1.0);
        h.add(240, 20, 50, 1000, 30, 30L);           // capacity 3: the window at 60 leaves
        assertThat(h.size()).isEqualTo(3);
        assertThat(h.completeness()).isEqualTo(150.0 / 180);
        h.add(300, 20, 50, 1000, 60, 0L);            // the window at 120 leaves
        assertThat(h.completeness()).isEqualTo(150.0 / 180);
    }

    @Test
    void aFullHistoryAllocatesTheStatedSlots() {
        for (int capacity : new int[] {1, 7, 100, 1440}) {
            History h = new History(capacity, Long.MAX_VALUE / 4);
            for (int i = 0; i < capacity * 3; i++) {
                h.add(i * 60L, 1, 1, 1, 60, 0L);
                assertThat(h.allocated()).as("capacity " + capacity).isLessThanOrEqualTo(History.slots(capacity));
            }
        }
        assertThat(History.BYTES_PER_POINT).isEqualTo(20);
    }

    /** Against a sorted map with the same bounds, for random arrival orders. */
    @Test
    void behavesLikeABoundedSortedMap() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            int capacity = 1 + random.nextInt(40);
            History h = new History(capacity, 1_000_000);
            TreeMap<Long, Float> model = new TreeMap<>();
            TreeMap<Long, Integer> lost = new TreeMap<>();
            for (int i = 0; i < 300; i++) {
                long t = random.nextInt(200) * 60L;
                float v = random.nextInt(1000);
                int m = random.nextInt(20);
                boolean olderThanAll = !model.isEmpty() && t < model.firstKey();
                if (model.containsKey(t)) {
                    model.put(t, v);
                    lost.put(t, m);
                } else if (!(olderThanAll && model.size() == capacity)) {
                    model.put(t, v);
                    lost.put(t, m);
                    if (model.size() > capacity) {
                        lost.remove(model.pollFirstEntry().getKey());
                    }
                }
                h.add(t, v, 0, 0, 60, (long) m);
            }
            History.Series s = h.range(0, Long.MAX_VALUE / 4);
            assertThat(s.time()).containsExactly(model.keySet().stream().mapToLong(Long::longValue).toArray());
            float[] expected = new float[model.size()];
            int i = 0;
            for (float v : model.values()) {
                expected[i++] = v;
            }
            assertThat(s.temperature()).containsExactly(expected);
            long missing = lost.values().stream().mapToLong(Integer::longValue).sum();
            assertThat(h.completeness()).isEqualTo(Aggregate.ratio(60L * model.size(), missing));
        }
    }
}
