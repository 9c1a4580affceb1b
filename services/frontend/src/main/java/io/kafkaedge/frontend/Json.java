package io.kafkaedge.frontend;

import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/**
 * The API's JSON shapes and their one writer. Besides JSON's own escapes it writes {@code < > & '}
 * and the line separators U+2028/U+2029 as {@code \\uXXXX}, so no string from Kafka or from a
 * request ever appears as markup in a body, even one a client mistakes for HTML.
 */
final class Json {

    /** JSON's escapes plus the HTML-significant characters. */
    private static final class HtmlSafe extends CharacterEscapes {
        private final int[] table = CharacterEscapes.standardAsciiEscapesForJSON();

        HtmlSafe() {
            for (char c : new char[] {'<', '>', '&', '\''}) {
                table[c] = CharacterEscapes.ESCAPE_STANDARD;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return table;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == 0x2028 || ch == 0x2029
                    ? new com.fasterxml.jackson.core.io.SerializedString(String.format("\\u%04x", ch))
                    : null;
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper(new com.fasterxml.jackson.core.JsonFactoryBuilder()
            .characterEscapes(new HtmlSafe()).build())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));

    /**
     * A sensor as the API and the event stream show it: the latest window ({@code count},
     * {@code duplicates}, {@code missing}, {@code completeness} — the last three null when the
     * aggregator did not report them), {@code historyCompleteness} over the retained history, and
     * the flags {@code stale} and {@code incomplete} (completeness below {@code sensors.completeness}).
     */
    record SensorView(String id, String site, double latitude, double longitude, Instant windowStart,
                      Instant windowEnd, Instant lastSeen, long count, Long duplicates, Long missing,
                      Double completeness, Double historyCompleteness, Aggregate.Stats temperature,
                      Aggregate.Stats humidity, Aggregate.Stats pressure, boolean stale, boolean incomplete) {

        static SensorView of(SensorStore.Sensor sensor, SensorStore store, Instant now) {
            Aggregate a = sensor.latest();
            return new SensorView(a.sensorId(), a.site(), a.latitude(), a.longitude(), a.windowStart(),
                    a.windowEnd(), a.windowEnd(), a.count(), a.duplicates(), a.missing(), a.completeness(),
                    sensor.historyCompleteness(), a.temperature(), a.humidity(), a.pressure(),
                    store.stale(a, now), store.incomplete(a));
        }
    }

    /** History of one sensor, columnar: epoch seconds of each window start and the averages. */
    record HistoryView(String id, Instant from, Instant to, long[] time, float[] temperature,
                       float[] humidity, float[] pressure) {
    }

    /** One site. */
    record SiteView(String site, int sensors, int stale) {
    }

    /** What the map page needs to know. */
    record MapConfigView(String tiles, String attribution, long staleAfterSeconds, long windowSeconds,
                         double completenessThreshold) {
    }

    /** Error body: what went wrong and, for a bad query parameter, which one. */
    record ErrorView(int status, String error, String parameter) {
    }

    private Json() {
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    static String string(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
