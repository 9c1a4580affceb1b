package io.kafkaedge.aggregator.topology;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Value serde of the raw topic: deserializing parses and validates once (the timestamp extractor
 * and the processors share the result); serializing writes the original bytes back. Never throws.
 */
public final class ReadingSerde implements Serde<ParseResult> {

    private final ReadingParser parser;

    public ReadingSerde(ReadingParser parser) {
        this.parser = parser;
    }

    @Override
    public Serializer<ParseResult> serializer() {
        return (topic, result) -> result == null ? null : result.raw();
    }

    @Override
    public Deserializer<ParseResult> deserializer() {
        return (topic, bytes) -> parser.parse(bytes);
    }
}
