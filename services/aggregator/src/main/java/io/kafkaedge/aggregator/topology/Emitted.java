package io.kafkaedge.aggregator.topology;

/**
 * What a window processor forwards: an aggregate's JSON or a dead letter's original bytes
 * (the record's headers then say why).
 */
record Emitted(boolean deadLetter, byte[] bytes) {

    static Emitted aggregate(byte[] json) {
        return new Emitted(false, json);
    }

    static Emitted deadLetter(byte[] raw) {
        return new Emitted(true, raw);
    }
}
