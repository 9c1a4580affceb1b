package io.kafkaedge.frontend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latest aggregate, bounded history and loss totals per sensor.
 *
 * <p>Threading: one writer at a time, any number of readers. The writes — {@link #accept} (the
 * Kafka consumer thread) and {@link #evictSilent} (the evictor, once a minute) — are serialised by
 * the store's monitor, so an eviction never races an aggregate into a forgotten sensor. Readers
 * (HTTP requests, Prometheus scrapes) take no store lock: the map is a {@link ConcurrentHashMap}
 * and each {@link Sensor}'s mutable parts are guarded by the sensor's own monitor, so a reader
 * sees a history and totals consistent with one {@code accept}.
 *
 * <p>Memory is bounded by {@code sensors.max × History.slots(history.points) × History.BYTES_PER_POINT}
 * plus a per-sensor overhead (docs/frontend-memory.md); sensors silent for {@code sensors.evict}
 * are forgotten, and beyond {@code sensors.max} the least recently seen go first.
 */
public final class SensorStore {

    /** Told about sensors appearing, changing labels (site or location) and disappearing. */
    public interface Listener {
        void added(Sensor sensor);

        void removed(Sensor sensor);
    }

    /** One sensor: its newest aggregate, its history and the loss it reported. */
    public static final class Sensor {
        private final String id;
        private final History history;
        private volatile Aggregate latest;
        private long duplicates;
        private long missing;

        Sensor(String id, FrontendConfig.History bound) {
            this.id = id;
            this.history = new History(bound.points(), bound.retention().toSeconds());
        }

        public String id() {
            return id;
        }

        public Aggregate latest() {
            return latest;
        }

        /** Duplicates dropped at the edge, summed over every window accepted since this sensor appeared. */
        public synchronized long duplicatesTotal() {
            return duplicates;
        }

        /** Readings known lost, summed over every window accepted since this sensor appeared. */
        public synchronized long missingTotal() {
            return missing;
        }

        /** Completeness over the retained history (windows that report missing), or null when unknown. */
        public synchronized Double historyCompleteness() {
            return history.completeness();
        }

        synchronized History.Series history(Instant from, Instant to) {
            return history.range(from.getEpochSecond(), to.getEpochSecond());
        }

        synchronized int historySize() {
            return history.size();
        }

        /** Applies one aggregate; returns whether it became the latest. */
        private synchronized boolean apply(Aggregate a) {
            boolean newWindow = history.add(a.windowStart().getEpochSecond(), a.temperature().avg(),
                    a.humidity().avg(), a.pressure().avg(), a.count(), a.missing());
            if (newWindow) {
                duplicates += a.duplicates() == null ? 0 : a.duplicates();
                missing += a.missing() == null ? 0 : a.missing();
            }
            Aggregate previous = latest;
            boolean newest = previous == null || !a.windowStart().isBefore(previous.windowStart());
            if (newest) {
                latest = a;
            }
            return newest;
        }
    }

    private final FrontendConfig.History historyBound;
    private final FrontendConfig.Sensors sensorsConfig;
    private final Clock clock;
    private final ConcurrentHashMap<String, Sensor> sensors = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong version = new AtomicLong();

    public SensorStore(FrontendConfig config, Clock clock) {
        this.historyBound = config.history();
        this.sensorsConfig = config.sensors();
        this.clock = clock;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Incremented on every change; caches compare it. */
    public long version() {
        return version.get();
    }

    public Clock clock() {
        return clock;
    }

    public int size() {
        return sensors.size();
    }

    public Optional<Sensor> sensor(String id) {
        return Optional.ofNullable(sensors.get(id));
    }

    public List<Sensor> sensors() {
        return List.copyOf(sensors.values());
    }

    /** Whether no aggregate arrived for more than {@code sensors.stale} windows. */
    public boolean stale(Aggregate latest, Instant now) {
        return latest.windowEnd().plus(sensorsConfig.staleAfter()).isBefore(now);
    }

    /** Whether the latest window's completeness is known and below {@code sensors.completeness}. */
    public boolean incomplete(Aggregate latest) {
        Double c = latest.completeness();
        return c != null && c < sensorsConfig.completeness();
    }

    /**
     * Records an aggregate. Returns true when it became the sensor's
     * latest (an older, late one only lands in the history).
     */
    public synchronized boolean accept(Aggregate aggregate) {
        Sensor sensor = sensors.get(aggregate.sensorId());
        boolean created = sensor == null;
        if (created) {
            sensor = new Sensor(aggregate.sensorId(), historyBound);
        }
        Aggregate previous = sensor.latest;
        boolean newest = sensor.apply(aggregate);
        if (created) {
            sensors.put(sensor.id, sensor);
        }
        version.incrementAndGet();
        Sensor stored = sensor;
        if (created) {
            listeners.forEach(l -> l.added(stored));
            if (sensors.size() > sensorsConfig.max()) {
                evictOverflow();
            }
        } else if (newest && labelsChanged(previous, aggregate)) {
            // Site or location are metric labels: re-register under the new ones.
            listeners.forEach(l -> l.removed(stored));
            listeners.forEach(l -> l.added(stored));
        }
        return newest;
    }

    /** Forgets sensors without an aggregate for {@code sensors.evict}; returns how many. */
    public synchronized int evictSilent() {
        Instant cutoff = clock.instant().minus(sensorsConfig.evict());
        int evicted = 0;
        for (Sensor sensor : sensors.values()) {
            if (sensor.latest.windowEnd().isBefore(cutoff) && remove(sensor)) {
                evicted++;
            }
        }
        return evicted;
    }

    /** How long a sensor may stay silent before it is forgotten. */
    public Duration evictAfter() {
        return sensorsConfig.evict();
    }

    private void evictOverflow() {
        int excess = sensors.size() - sensorsConfig.max();
        if (excess <= 0) {
            return;
        }
        // Evict a little more than needed so that a flood of new ids does not scan on every record.
        int batch = Math.max(excess, sensorsConfig.max() / 100);
        List<Sensor> oldest = new ArrayList<>(sensors.values());
        oldest.sort(Comparator.comparing(s -> s.latest.windowEnd()));
        for (int i = 0; i < batch && i < oldest.size(); i++) {
            remove(oldest.get(i));
        }
    }

    private boolean remove(Sensor sensor) {
        if (sensors.remove(sensor.id, sensor)) {
            version.incrementAndGet();
            listeners.forEach(l -> l.removed(sensor));
            return true;
        }
        return false;
    }

    private static boolean labelsChanged(Aggregate before, Aggregate after) {
        return before != null && (!before.site().equals(after.site())
                || before.latitude() != after.latitude() || before.longitude() != after.longitude());
    }
}
