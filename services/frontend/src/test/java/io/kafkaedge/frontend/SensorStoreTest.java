package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SensorStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-24T19:00:00Z");

    private final Fixtures.MutableClock clock = new Fixtures.MutableClock(NOW);
    private final List<String> events = new ArrayList<>();

    private SensorStore store(Map<String, String> overrides) {
        SensorStore store = new SensorStore(Fixtures.config(overrides), clock);
        store.addListener(new SensorStore.Listener() {
            @Override
            public void added(SensorStore.Sensor sensor) {
                events.add("+" + sensor.id() + "@" + sensor.latest().site());
            }

            @Override
            public void removed(SensorStore.Sensor sensor) {
                events.add("-" + sensor.id());
            }
        });
        return store;
    }

    @Test
    void latestIsTheNewestWindowAndLateOnesOnlyReachTheHistory() {
        SensorStore store = store(Map.of());
        assertThat(store.accept(Fixtures.aggregate("s1", "prague", NOW.minusSeconds(120), 20))).isTrue();
        assertThat(store.accept(Fixtures.aggregate("s1", "prague", NOW.minusSeconds(180), 10))).isFalse();
        SensorStore.Sensor s1 = store.sensor("s1").orElseThrow();
        assertThat(s1.latest().temperature().avg()).isEqualTo(20.0);
        assertThat(s1.historySize()).isEqualTo(2);
        assertThat(events).containsExactly("+s1@prague");
    }

    @Test
    void lossTotalsSumNewWindowsOnlyAndTheFlagFollowsTheThreshold() {
        SensorStore store = store(Map.of("sensors.completeness", "0.9"));
        store.accept(Fixtures.aggregate("s1", "prague", NOW.minusSeconds(180), 20, 60, 2, 0));
        store.accept(Fixtures.aggregate("s1", "prague", NOW.minusSeconds(120), 20, 45, 1, 15));
        // MirrorMaker 2 redelivers a window: the same data, not more loss.
        store.accept(Fixtures.aggregate("s1", "prague", NOW.minusSeconds(120), 20, 45, 1, 15));
        SensorStore.Sensor s1 = store.sensor("s1").orElseThrow();
        assertThat(s1.missingTotal()).isEqualTo(15);
        assertThat(s1.duplicatesTotal()).isEqualTo(3);
        assertThat(s1.latest().completeness()).isEqualTo(0.75);
        assertThat(s1.historyCompleteness()).isEqualTo(105.0 / 120);
        assertThat(store.incomplete(s1.latest())).isTrue();
        store.accept(Fixtures.aggregate("s1", "prague", NOW.minusSeconds(60), 20, 55, 0, 5));
        assertThat(store.incomplete(s1.latest())).as("55/60 is above 0.9").isFalse();
        // An aggregator without the loss figures: unknown, never flagged.
        Aggregate legacy = parseLegacy("s2");
        store.accept(legacy);
        assertThat(store.incomplete(legacy)).isFalse();
        assertThat(store.sensor("s2").orElseThrow().historyCompleteness()).isNull();
    }

    private static Aggregate parseLegacy(String id) {
        try {
            return AggregateParser.parse("prague.sensor-data-aggregated", Fixtures.uncheckedAggregateJson(id, "prague",
                    NOW.minusSeconds(60), 20, 50, 14).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (AggregateParser.MalformedAggregateException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void staleAfterThreeWindowsWithoutAnAggregate() {
        SensorStore store = store(Map.of());
        Aggregate a = Fixtures.aggregate("s1", "prague", NOW.minusSeconds(60), 20);
        store.accept(a);
        assertThat(store.stale(a, NOW)).isFalse();
        assertThat(store.stale(a, NOW.plus(Duration.ofMinutes(3)))).isFalse();
        assertThat(store.stale(a, NOW.plus(Duration.ofMinutes(3)).plusSeconds(1))).isTrue();
    }

    @Test
    void silentSensorsAreEvicted() {
        SensorStore store = store(Map.of("sensors.evict", "PT1H"));
        store.accept(Fixtures.aggregate("old", "prague", NOW.minus(Duration.ofMinutes(50)), 20));
        store.accept(Fixtures.aggregate("new", "prague", NOW.minusSeconds(60), 20));
        assertThat(store.evictSilent()).isZero();
        clock.advance(Duration.ofMinutes(15));
        assertThat(store.evictSilent()).isEqualTo(1);
        assertThat(store.sensor("old")).isEmpty();
        assertThat(store.sensor("new")).isPresent();
        assertThat(events).containsExactly("+old@prague", "+new@prague", "-old");
    }

    @Test
    void sensorCountIsBoundedByEvictingTheLeastRecentlySeen() {
        SensorStore store = store(Map.of("sensors.max", "100"));
        for (int i = 0; i < 250; i++) {
            store.accept(Fixtures.aggregate("s" + i, "prague", NOW.minus(Duration.ofMinutes(250 - i)), 20));
        }
        assertThat(store.size()).isLessThanOrEqualTo(100);
        assertThat(store.sensor("s249")).isPresent();
        assertThat(store.sensor("s0")).isEmpty();
    }

    @Test
    void aChangedSiteOrLocationReRegistersTheSensor() {
        SensorStore store = store(Map.of());
        store.accept(Fixtures.aggregate("s1", "prague", NOW.minusSeconds(120), 20));
        store.accept(Fixtures.aggregate("s1", "brno", NOW.minusSeconds(60), 20));
        assertThat(events).containsExactly("+s1@prague", "-s1", "+s1@brno");
    }
}
