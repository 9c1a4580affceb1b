package io.kafkaedge.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link AggregateJson} writes what Jackson writes for the same aggregate. */
class AggregateJsonTest {

    private static final JsonSerde<Aggregate> JACKSON = new JsonSerde<>(Aggregate.class);

    static void assertSameAsJackson(Aggregate a) {
        String expected = new String(JACKSON.serializer().serialize("t", a), StandardCharsets.UTF_8);
        assertThat(new String(AggregateJson.write(a), StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Property(tries = 3000)
    void sameBytesAsJackson(@ForAll("aggregates") Aggregate a) {
        assertSameAsJackson(a);
    }

    @Example
    void escapesQuotesBackslashesAndControlCharacters() {
        Aggregate a = new Aggregate("a\"b\\c\u0000\u001f\u007f\b\t\n\f\r/é€😀", null, "s", "e", 0,
                new Aggregate.Summary(Double.NaN, Double.NEGATIVE_INFINITY, -0.0), null, null, 1e300, 4.9e-324);
        assertSameAsJackson(a);
        assertThat(new String(AggregateJson.write(a), StandardCharsets.UTF_8))
                .startsWith("{\"sensorId\":\"a\\\"b\\\\c\\u0000\\u001F\u007f\\b\\t\\n\\f\\r/é€\\uD83D\\uDE00\",\"site\":null,");
    }

    @Provide
    Arbitrary<Aggregate> aggregates() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20),
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(20),
                Arbitraries.strings().withChars("a\"\\\u0001é€😀🌡".toCharArray()).ofMaxLength(20),
                Arbitraries.strings().alpha().numeric().withChars('-', '_', '.').ofMaxLength(30))
                .filter(AggregateJsonTest::wellFormed);
        Arbitrary<Double> number = Arbitraries.oneOf(Arbitraries.doubles(),
                Arbitraries.doubles().between(-100, 1100).ofScale(2),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                        Double.MIN_VALUE, Double.MAX_VALUE, 1e7, 1e-3, 123456789.125));
        Arbitrary<Aggregate.Summary> summary = Combinators.combine(number, number, number).as(Aggregate.Summary::new);
        return Combinators.combine(text, text, text, Arbitraries.longs().greaterOrEqual(0), summary, summary, summary,
                        Combinators.combine(number, number).as((lat, lon) -> new double[] {lat, lon}))
                .as((id, site, time, count, t, h, p, location) -> new Aggregate(id, site, time, time, count, t, h, p,
                        location[0], location[1]));
    }

    /** Sensor ids and site names are decoded text: no lone surrogates (which Jackson refuses). */
    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(++i)))) {
                return false;
            }
            if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
