package io.kafkaedge.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The window state's seen-sets and its store encoding (what a restart restores). */
class WindowStateTest {

    @Property(tries = 500)
    void seqSetIsASet(@ForAll @Size(max = 80) List<@LongRange(min = 0, max = 60) Long> seqs) {
        SeqSet set = new SeqSet();
        TreeSet<Long> model = new TreeSet<>();
        for (long seq : seqs) {
            assertThat(set.add(seq)).isEqualTo(model.add(seq));
        }
        for (long seq = 0; seq <= 61; seq++) {
            assertThat(set.contains(seq)).isEqualTo(model.contains(seq));
        }
        assertThat(set.size()).isEqualTo(model.size());
        if (!model.isEmpty()) {
            assertThat(set.min()).isEqualTo(model.first());
            assertThat(set.max()).isEqualTo(model.last());
            assertThat(set.gaps()).isEqualTo(model.last() - model.first() + 1 - model.size());
        }
        ByteBuffer buffer = ByteBuffer.allocate(set.encodedSize());
        set.encode(buffer);
        SeqSet decoded = SeqSet.decode(buffer.flip());
        assertThat(decoded.size()).isEqualTo(set.size());
        for (long seq = 0; seq <= 61; seq++) {
            assertThat(decoded.contains(seq)).isEqualTo(model.contains(seq));
        }
    }

    @Test
    void theStoreEntryKeepsCountsStatisticsAndSeenSets() {
        WindowAccumulator window = new WindowAccumulator("s1", 60_000);
        window.add(new Reading("s1", "b1", 0L, 60_001, 10, 50, 1000, 50, 14));
        window.add(new Reading("s1", "b1", 2L, 60_002, 20, 50, 1000, 51, 15));
        window.add(new Reading("s1", null, null, 60_003, 30, 50, 1000, 52, 16));
        window.duplicate();
        WindowAccumulator decoded = WindowAccumulator.decode(window.key(), window.encode());
        assertThat(decoded.seen("b1", 0)).isTrue();
        assertThat(decoded.seen("b1", 1)).isFalse();
        assertThat(decoded.seen("b1", 2)).isTrue();
        assertThat(decoded.aggregate("x", 60_000, Map.of("b1", 0L)))
                .isEqualTo(window.aggregate("x", 60_000, Map.of("b1", 0L)))
                .satisfies(a -> {
                    assertThat(a.count()).isEqualTo(3);
                    assertThat(a.duplicates()).isEqualTo(1);
                    assertThat(a.missing()).isEqualTo(1);
                    assertThat(a.latitude()).isEqualTo(52);
                });
    }

    @Test
    void entriesOfTheFormatBeforeDeduplicationAreStillRead() {
        ByteBuffer v1 = ByteBuffer.allocate(1 + 8 + 9 * 8 + 2 * 8 + 8).put((byte) 1).putLong(2);
        for (double stat : new double[] {30, 10, 20, 100, 50, 50, 2000, 1000, 1000}) {
            v1.putDouble(stat);
        }
        v1.putDouble(50).putDouble(14).putLong(60_002);
        WindowAccumulator window = WindowAccumulator.decode(WindowAccumulator.key(60_000, "s1"), v1.array());
        Aggregate a = window.aggregate("x", 60_000, Map.of());
        assertThat(a.count()).isEqualTo(2);
        assertThat(a.temperature()).isEqualTo(new Aggregate.Summary(15, 10, 20));
        assertThat(a.duplicates()).isZero();
        assertThat(a.missing()).isZero();
    }
}
