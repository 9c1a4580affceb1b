package io.kafkaedge.frontend;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The REST API under {@code /api} (documented in {@code META-INF/openapi.yml}). */
public final class SensorApi implements HttpService {

    /** The full sensor list is re-serialised at most this often while data keeps changing. */
    private static final Duration SNAPSHOT_MIN_AGE = Duration.ofMillis(500);

    private final SensorStore store;
    private final EventHub events;
    private final FrontendConfig config;
    private final byte[] mapConfig;
    private final java.util.concurrent.locks.ReentrantLock rebuild = new java.util.concurrent.locks.ReentrantLock();
    private volatile Snapshot snapshot = new Snapshot(-1, Instant.MIN, Instant.MIN, new byte[0], new byte[0]);

    private record Snapshot(long version, Instant built, Instant validUntil, byte[] json, byte[] gzip) {

        boolean fresh(long storeVersion, Instant now) {
            if (version < 0 || now.isAfter(validUntil) || now.isBefore(built)) {
                return false;
            }
            return version == storeVersion || Duration.between(built, now).compareTo(SNAPSHOT_MIN_AGE) < 0;
        }
    }

    public SensorApi(FrontendConfig config, SensorStore store, EventHub events) {
        this.store = store;
        this.events = events;
        this.config = config;
        this.mapConfig = Json.bytes(new Json.MapConfigView(config.map().tiles(), config.map().attribution(),
                config.sensors().staleAfter().toSeconds(), config.sensors().window().toSeconds(),
                config.sensors().completeness()));
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/sensors", this::sensors)
                .get("/sensors/{id}", this::sensor)
                .get("/sensors/{id}/history", this::history)
                .get("/sites", this::sites)
                .get("/config", (req, res) -> json(res, Status.OK_200, mapConfig))
                .get("/events", events::handle)
                .any((req, res) -> error(res, Status.NOT_FOUND_404, "no such endpoint", null));
    }

    /** A value from the request, shortened for an error message (the JSON writer escapes it). */
    private static String quote(String value) {
        return "'" + (value.length() > 64 ? value.substring(0, 64) + "…" : value) + "'";
    }

    private void sensors(ServerRequest req, ServerResponse res) {
        Optional<String> site = req.query().first("site").asOptional();
        if (site.isPresent()) {
            Instant now = store.clock().instant();
            List<Json.SensorView> views = store.sensors().stream()
                    .filter(s -> s.latest().site().equals(site.get()))
                    .sorted(Comparator.comparing(SensorStore.Sensor::id))
                    .map(s -> Json.SensorView.of(s, store, now))
                    .toList();
            json(res, Status.OK_200, Json.bytes(views));
            return;
        }
        Snapshot current = snapshot();
        res.header(HeaderNames.VARY, "Accept-Encoding");
        if (req.headers().contains(HeaderNames.ACCEPT_ENCODING)
                && req.headers().get(HeaderNames.ACCEPT_ENCODING).values().contains("gzip")) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            json(res, Status.OK_200, current.gzip());
        } else {
            json(res, Status.OK_200, current.json());
        }
    }

    private void sensor(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Optional<SensorStore.Sensor> sensor = store.sensor(id);
        if (sensor.isEmpty()) {
            error(res, Status.NOT_FOUND_404, "unknown sensor " + quote(id), null);
            return;
        }
        json(res, Status.OK_200, Json.bytes(Json.SensorView.of(sensor.get(), store, store.clock().instant())));
    }

    private void history(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Instant to;
        Instant from;
        try {
            to = instant(req, "to").orElseGet(() -> store.clock().instant());
            from = instant(req, "from").orElseGet(() -> store.clock().instant().minus(config.history().retention()));
        } catch (BadParameterException e) {
            error(res, Status.BAD_REQUEST_400, e.getMessage(), e.parameter);
            return;
        }
        if (from.isAfter(to)) {
            error(res, Status.BAD_REQUEST_400, "parameter 'from' must not be after 'to'", "from");
            return;
        }
        Optional<SensorStore.Sensor> sensor = store.sensor(id);
        if (sensor.isEmpty()) {
            error(res, Status.NOT_FOUND_404, "unknown sensor " + quote(id), null);
            return;
        }
        History.Series s = sensor.get().history(from, to);
        json(res, Status.OK_200, Json.bytes(new Json.HistoryView(id, from, to, s.time(), s.temperature(),
                s.humidity(), s.pressure())));
    }

    private void sites(ServerRequest req, ServerResponse res) {
        Instant now = store.clock().instant();
        Map<String, int[]> counts = new TreeMap<>();
        for (SensorStore.Sensor sensor : store.sensors()) {
            Aggregate a = sensor.latest();
            int[] c = counts.computeIfAbsent(a.site(), k -> new int[2]);
            c[0]++;
            if (store.stale(a, now)) {
                c[1]++;
            }
        }
        json(res, Status.OK_200, Json.bytes(counts.entrySet().stream()
                .map(e -> new Json.SiteView(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .toList()));
    }

    /**
     * The serialised full list (plain and gzip), shared by all requests. It is rebuilt when the
     * data changed (at most every {@link #SNAPSHOT_MIN_AGE}) or when a sensor's stale flag flips;
     * one request rebuilds while the others keep getting the previous one.
     */
    private Snapshot snapshot() {
        Snapshot current = snapshot;
        Instant now = store.clock().instant();
        long version = store.version();
        if (current.fresh(version, now)) {
            return current;
        }
        boolean mustWait = current.version() < 0;
        if (mustWait) {
            rebuild.lock();
        } else if (!rebuild.tryLock()) {
            return current;
        }
        try {
            current = snapshot;
            if (current.fresh(version, now)) {
                return current;
            }
            Instant validUntil = Instant.MAX;
            List<Json.SensorView> views = new java.util.ArrayList<>(store.size());
            for (SensorStore.Sensor sensor : store.sensors()) {
                Json.SensorView view = Json.SensorView.of(sensor, store, now);
                if (!view.stale()) {
                    Instant flips = view.windowEnd().plus(config.sensors().staleAfter());
                    validUntil = flips.isBefore(validUntil) ? flips : validUntil;
                }
                views.add(view);
            }
            views.sort(Comparator.comparing(Json.SensorView::id));
            byte[] json = Json.bytes(views);
            current = new Snapshot(version, now, validUntil, json, gzip(json));
            snapshot = current;
            return current;
        } finally {
            rebuild.unlock();
        }
    }

    private static byte[] gzip(byte[] plain) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(plain.length / 8 + 64);
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        }) {
            gz.write(plain);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Optional<Instant> instant(ServerRequest req, String name) throws BadParameterException {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty() || raw.get().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(raw.get()));
        } catch (DateTimeParseException e) {
            throw new BadParameterException(name, "parameter '" + name
                    + "' must be an ISO-8601 instant such as 2026-11-24T18:00:00Z, was " + quote(raw.get()));
        }
    }

    private static void json(ServerResponse res, Status status, byte[] body) {
        res.status(status);
        res.headers().contentType(MediaTypes.APPLICATION_JSON);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body);
    }

    private static void error(ServerResponse res, Status status, String message, String parameter) {
        json(res, status, Json.bytes(new Json.ErrorView(status.code(), message, parameter)));
    }

    private static final class BadParameterException extends Exception {
        private final String parameter;

        BadParameterException(String parameter, String message) {
            super(message);
            this.parameter = parameter;
        }
    }
}
