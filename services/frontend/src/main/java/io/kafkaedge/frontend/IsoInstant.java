package io.kafkaedge.frontend;

import java.time.Instant;
import java.time.Year;

/** Fast path for the one timestamp shape the aggregator writes, {@code 2026-11-24T18:48:00Z}. */
final class IsoInstant {

    private IsoInstant() {
    }

    /** The instant, or null when {@code text} is not exactly {@code yyyy-MM-ddTHH:mm:ssZ} (use {@link Instant#parse}). */
    static Instant parseSimple(String text) {
        if (text.length() != 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        if (month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)) {
            return null; // what LocalDate.of rejects; Instant.parse then names the error
        }
        return Instant.ofEpochSecond(epochDay(year, month, day) * 86_400 + hour * 3_600L + minute * 60L + second);
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> Year.isLeap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /**
     * Days since 1970-01-01 of a valid proleptic Gregorian date with {@code 0 <= year <= 9999}
     * (what {@code LocalDate.toEpochDay} gives, without building a LocalDate for every record):
     * years counted from March, so that the leap day ends a year, in 400-year eras of 146,097 days.
     */
    static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int monthFromMarch = (month + 9) % 12;
        int dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    private static int digits(String s, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
