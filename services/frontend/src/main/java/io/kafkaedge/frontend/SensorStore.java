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
 * Latest aggregate and bounded history per sensor, safe for one writer (the Kafka consumer) and
 * many readers (HTTP requests, Prometheus scrapes). Memory is bounded by
 * {@code sensors.max × history.points}; sensors silent for {@code sensors.evict} are forgotten.
 */
public final class SensorStore {

    /** Told about sensors appearing, changing labels (site or location) and disappearing. */
    public interface Listener {
        void added(Sensor sensor);

        void removed(Sensor sensor);
    }

    /** One sensor: its newest aggregate and its history. */
    public static final class Sensor {
        private final String id;
        private final History history;
        private volatile Aggregate latest;

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

        History.Series history(Instant from, Instant to) {
            synchronized (this) {
                return history.range(from.getEpochSecond(), to.getEpochSecond());
            }
        }

        int historySize() {
            synchronized (this) {
                return history.size();
            }
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

    /**
     * Records an aggregate. Returns true when it became the sensor's latest (an older, late
     * one only lands in the history).
     */
    public boolean accept(Aggregate aggregate) {
        Sensor sensor = sensors.get(aggregate.sensorId());
        boolean created = false;
        if (sensor == null) {
            sensor = new Sensor(aggregate.sensorId(), historyBound);
            Sensor raced = sensors.putIfAbsent(aggregate.sensorId(), sensor);
            if (raced != null) {
                sensor = raced;
            } else {
                created = true;
            }
        }
        boolean newest;
        Aggregate previous;
        synchronized (sensor) {
            sensor.history.add(aggregate.windowStart().getEpochSecond(), aggregate.temperature().avg(),
                    aggregate.humidity().avg(), aggregate.pressure().avg());
            previous = sensor.latest;
            newest = previous == null || !aggregate.windowStart().isBefore(previous.windowStart());
            if (newest) {
                sensor.latest = aggregate;
            }
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
    public int evictSilent() {
        Instant cutoff = clock.instant().minus(sensorsConfig.evict());
        int evicted = 0;
        for (Sensor sensor : sensors.values()) {
            Aggregate latest = sensor.latest;
            if (latest != null && latest.windowEnd().isBefore(cutoff) && remove(sensor)) {
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
        oldest.sort(Comparator.comparing(s -> s.latest == null ? Instant.MIN : s.latest.windowEnd()));
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
