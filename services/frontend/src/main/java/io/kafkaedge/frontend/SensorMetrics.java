package io.kafkaedge.frontend;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * Prometheus view of the store: per sensor four value gauges, the completeness of the latest
 * window and two counters of loss (registered once when the sensor appears, read from the store
 * on scrape, removed when it is evicted), and the consumer's counters and lag.
 */
public final class SensorMetrics implements SensorStore.Listener, AutoCloseable {

    public static final String TEMPERATURE = "sensor_temperature_celsius";
    public static final String HUMIDITY = "sensor_humidity_percent";
    public static final String PRESSURE = "sensor_pressure_hpa";
    public static final String LAST_SEEN = "sensor_last_seen_timestamp_seconds";
    /** Latest window's count / (count + missing); NaN when the aggregator does not report missing. */
    public static final String COMPLETENESS = "sensor_completeness_ratio";
    /** Exposed with Prometheus' {@code _total} suffix: sums over the windows accepted. */
    public static final String MISSING = "sensor_readings_missing";
    public static final String DUPLICATES = "sensor_readings_duplicate";
    /** Exposed with Prometheus' {@code _total} suffix. */
    public static final String CONSUMED = "frontend_records_consumed";
    public static final String REJECTED = "frontend_records_rejected";
    public static final String LAG = "frontend_consumer_lag";
    public static final String NONCONFORMING = "frontend_identifiers_nonconforming";

    private final MeterRegistry registry;
    private final Map<String, List<Meter>> perSensor = new ConcurrentHashMap<>();
    private final Counter consumed;
    private final Counter rejected;
    private final Counter nonconforming;
    private final AtomicLong lag = new AtomicLong();

    public SensorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.consumed = registry.getOrCreate(Counter.builder(CONSUMED)
                .description("Aggregate records read from Kafka (valid or not)"));
        this.rejected = registry.getOrCreate(Counter.builder(REJECTED)
                .description("Records skipped because they are not valid aggregates"));
        this.nonconforming = registry.getOrCreate(Counter.builder(NONCONFORMING)
                .description("Aggregates kept although sensorId or site break the contract's identifier rule (shown as text)"));
        registry.getOrCreate(Gauge.builder(LAG, lag, AtomicLong::doubleValue)
                .description("Records behind the end of the aggregate topics, summed over partitions"));
    }

    public void consumed(long records) {
        consumed.increment(records);
    }

    public void rejected() {
        rejected.increment();
    }

    public void nonconforming() {
        nonconforming.increment();
    }

    public void lag(long records) {
        lag.set(records);
    }

    @Override
    public void added(SensorStore.Sensor sensor) {
        Aggregate a = sensor.latest();
        List<Tag> tags = List.of(Tag.create("site", a.site()), Tag.create("sensor", sensor.id()),
                Tag.create("latitude", Double.toString(a.latitude())),
                Tag.create("longitude", Double.toString(a.longitude())));
        List<Meter> meters = List.of(
                gauge(TEMPERATURE, "Average temperature of the last window (°C)", sensor, tags, s -> s.latest().temperature().avg()),
                gauge(HUMIDITY, "Average relative humidity of the last window (%)", sensor, tags, s -> s.latest().humidity().avg()),
                gauge(PRESSURE, "Average pressure of the last window (hPa)", sensor, tags, s -> s.latest().pressure().avg()),
                gauge(LAST_SEEN, "End of the sensor's last aggregated window (Unix seconds)", sensor, tags,
                        s -> s.latest().windowEnd().getEpochSecond()),
                gauge(COMPLETENESS, "count / (count + missing) of the last window; NaN when not reported", sensor, tags,
                        s -> {
                            Double c = s.latest().completeness();
                            return c == null ? Double.NaN : c;
                        }),
                registry.getOrCreate(FunctionalCounter.builder(MISSING, sensor, SensorStore.Sensor::missingTotal)
                        .description("Readings known lost before the edge, summed over the sensor's windows").tags(tags)),
                registry.getOrCreate(FunctionalCounter.builder(DUPLICATES, sensor, SensorStore.Sensor::duplicatesTotal)
                        .description("Repeated readings dropped at the edge, summed over the sensor's windows").tags(tags)));
        List<Meter> previous = perSensor.put(sensor.id(), meters);
        if (previous != null) {
            previous.forEach(registry::remove);
        }
    }

    @Override
    public void removed(SensorStore.Sensor sensor) {
        List<Meter> meters = perSensor.remove(sensor.id());
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    /** Unregisters every per-sensor gauge of this instance (on shutdown). */
    @Override
    public void close() {
        perSensor.keySet().forEach(id -> {
            List<Meter> meters = perSensor.remove(id);
            if (meters != null) {
                meters.forEach(registry::remove);
            }
        });
    }

    private Meter gauge(String name, String description, SensorStore.Sensor sensor, List<Tag> tags,
                        ToDoubleFunction<SensorStore.Sensor> value) {
        return registry.getOrCreate(Gauge.builder(name, sensor, value).description(description).tags(tags));
    }
}
