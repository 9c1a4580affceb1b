package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantTest {

    @Test
    void epochDayEqualsLocalDateForEveryDateOfFourDigitYears() {
        for (LocalDate d = LocalDate.of(0, 1, 1); d.getYear() <= 9999; d = d.plusDays(1)) {
            if (IsoInstant.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth()) != d.toEpochDay()) {
                assertThat(IsoInstant.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth())).as(d.toString())
                        .isEqualTo(d.toEpochDay());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-24T18:48:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2024-02-29T12:00:00Z",
        "2000-02-29T00:00:00Z", "0000-03-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-12-31T23:59:00Z"})
    void parsesAsInstantParseDoes(String text) {
        assertThat(IsoInstant.parseSimple(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01T00:60:00Z", "2026-01-01T00:00:60Z", "2026-1-01T00:00:00Z", "2026-01-01T00:00:00.000Z",
        "2026-01-01 00:00:00Z", "2026-01-01T00:00:0xZ"})
    void leavesEverythingElseToInstantParse(String text) {
        assertThat(IsoInstant.parseSimple(text)).isNull();
    }
}
