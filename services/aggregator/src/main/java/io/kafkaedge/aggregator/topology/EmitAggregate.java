package io.kafkaedge.aggregator.topology;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** A closed window becomes the contract's aggregate, keyed by sensor id. */
final class EmitAggregate implements Processor<Windowed<Bytes>, WindowStats, String, Aggregate> {

    private final String site;
    private final PipelineMetrics metrics;
    private ProcessorContext<String, Aggregate> context;

    EmitAggregate(String site, PipelineMetrics metrics) {
        this.site = site;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Aggregate> context) {
        this.context = context;
    }

    @Override
    public void process(Record<Windowed<Bytes>, WindowStats> record) {
        WindowStats stats = record.value();
        if (stats == null || stats.count() == 0) {
            return;
        }
        Windowed<Bytes> key = record.key();
        Aggregate aggregate = Aggregate.of(site, key.window().start(), key.window().end(), stats);
        metrics.emitted();
        context.forward(new Record<>(stats.sensorId(), aggregate, record.timestamp(), new RecordHeaders()));
    }
}
