package io.kafkaedge.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Field names found from their bytes: every name, and names that are almost one. */
class ReadingFieldsTest {

    private static final List<String> NAMES = List.of(
            "sensorId", "timestamp", "seq", "temperature", "humidity", "pressure", "latitude", "longitude");

    private static int field(String name) {
        byte[] padded = ("{\"" + name + "\"").getBytes(StandardCharsets.ISO_8859_1);
        return ReadingFields.field(padded, 2, padded.length - 3);
    }

    @Test
    void everyNameIsItsField() {
        for (int i = 0; i < NAMES.size(); i++) {
            assertThat(field(NAMES.get(i))).as(NAMES.get(i)).isEqualTo(i);
            assertThat(ReadingFields.name(i)).isEqualTo(NAMES.get(i));
            assertThat(ReadingFields.field(NAMES.get(i))).isEqualTo(i);
        }
    }

    @Test
    void namesOneLetterOffOrOfAnotherLengthAreUnknown() {
        for (String name : NAMES) {
            for (int at = 0; at < name.length(); at++) {
                char[] changed = name.toCharArray();
                changed[at] = changed[at] == 'x' ? 'y' : 'x';
                assertThat(field(new String(changed))).as(new String(changed)).isEqualTo(ReadingFields.UNKNOWN);
            }
            assertThat(field(name.toUpperCase(java.util.Locale.ROOT))).isEqualTo(ReadingFields.UNKNOWN);
            assertThat(field(name + "s")).isEqualTo(ReadingFields.UNKNOWN);
            assertThat(field(name.substring(1))).isEqualTo(ReadingFields.UNKNOWN);
        }
        assertThat(field("")).isEqualTo(ReadingFields.UNKNOWN);
    }
}
