package io.kafkaedge.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The hand-written fast path for the firmware's two timestamp forms against java.time. */
class EventTimesTest {

    @Property(tries = 5000)
    void fixedFormsAgreeWithJavaTime(@ForAll @IntRange(min = 0, max = 9999) int year,
                                     @ForAll @IntRange(min = 0, max = 13) int month,
                                     @ForAll @IntRange(min = 0, max = 32) int day,
                                     @ForAll @IntRange(min = 0, max = 24) int hour,
                                     @ForAll @IntRange(min = 0, max = 60) int minute,
                                     @ForAll @IntRange(min = 0, max = 60) int second) {
        String date = String.format(Locale.ROOT, "%04d-%02d-%02d", year, month, day);
        String time = String.format(Locale.ROOT, "%02d:%02d:%02d", hour, minute, second);
        Long expected;
        try {
            expected = LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeException e) {
            expected = null;
        }
        for (String text : new String[] {date + "T" + time + "Z", date + "T" + time, date + " " + time}) {
            if (expected == null) {
                assertThatThrownBy(() -> EventTimes.parse(text)).as(text).isInstanceOf(DateTimeException.class);
            } else {
                assertThat(EventTimes.parse(text)).as(text).isEqualTo(expected);
            }
        }
    }

    @Example
    void otherIsoFormsAndGarbage() {
        assertThat(EventTimes.parse("2026-11-24T19:48:56.250+01:00")).isEqualTo(1795546136250L);
        assertThat(EventTimes.parse("2024-02-29T00:00:00Z")).isEqualTo(1709164800000L);
        assertThatThrownBy(() -> EventTimes.parse("2023-02-29T00:00:00Z")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> EventTimes.parse("2026-11-24X18:48:56Z")).isInstanceOf(DateTimeException.class);
        assertThatThrownBy(() -> EventTimes.parse("2026-1a-24T18:48:56Z")).isInstanceOf(DateTimeException.class);
    }
}
