package io.kafkaedge.aggregator.topology;

/** What the value deserializer made of a raw record; both variants keep the original bytes. */
public sealed interface ParseResult {

    /** The record value exactly as it arrived (empty for a null value). */
    byte[] raw();

    /** A reading that passed every check. */
    record Valid(byte[] raw, Reading reading) implements ParseResult {
    }

    /** A record that goes to the dead-letter topic. */
    record Rejected(byte[] raw, Reason reason, String detail) implements ParseResult {
    }
}
