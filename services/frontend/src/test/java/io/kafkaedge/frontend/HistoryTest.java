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
            h.add(i * 60L, i, 50, 1000);
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
            h.add(1_000_000 + i * 60L, i, 50, 1000);
        }
        History.Series s = h.range(0, 2_000_000);
        assertThat(s.time()[0]).isEqualTo(1_000_000 + 120 * 60L);
        assertThat(h.size()).isEqualTo(61);
    }

    @Test
    void duplicatesReplaceAndLateOnesAreInsertedInOrder() {
        History h = new History(10, 1_000_000);
        h.add(120, 1, 1, 1);
        h.add(240, 2, 2, 2);
        h.add(120, 9, 9, 9);   // the same window again (MirrorMaker 2 redelivery): replaced
        h.add(180, 3, 3, 3);   // late: lands between
        History.Series s = h.range(0, 1000);
        assertThat(s.time()).containsExactly(120, 180, 240);
        assertThat(s.temperature()).containsExactly(9f, 3f, 2f);
    }

    @Test
    void rangeIsInclusiveAndMayBeEmpty() {
        History h = new History(10, 1_000_000);
        for (int i = 1; i <= 5; i++) {
            h.add(i * 60L, i, i, i);
        }
        assertThat(h.range(120, 240).time()).containsExactly(120, 180, 240);
        assertThat(h.range(1000, 2000).time()).isEmpty();
        assertThat(new History(10, 10).range(0, 10).time()).isEmpty();
    }

    /** Against a sorted map with the same bounds, for random arrival orders. */
    @Test
    void behavesLikeABoundedSortedMap() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            int capacity = 1 + random.nextInt(40);
            History h = new History(capacity, 1_000_000);
            TreeMap<Long, Float> model = new TreeMap<>();
            for (int i = 0; i < 300; i++) {
                long t = random.nextInt(200) * 60L;
                float v = random.nextInt(1000);
                boolean olderThanAll = !model.isEmpty() && t < model.firstKey();
                if (model.containsKey(t)) {
                    model.put(t, v);
                } else if (!(olderThanAll && model.size() == capacity)) {
                    model.put(t, v);
                    if (model.size() > capacity) {
                        model.pollFirstEntry();
                    }
                }
                h.add(t, v, 0, 0);
            }
            History.Series s = h.range(0, Long.MAX_VALUE / 4);
            assertThat(s.time()).containsExactly(model.keySet().stream().mapToLong(Long::longValue).toArray());
            float[] expected = new float[model.size()];
            int i = 0;
            for (float v : model.values()) {
                expected[i++] = v;
            }
            assertThat(s.temperature()).containsExactly(expected);
        }
    }
}
