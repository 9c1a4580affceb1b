package io.kafkaedge.aggregator.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The open windows' durable copy: a changelogged in-memory key-value store (window start + sensor
 * id → {@link WindowAccumulator#encode()}), written behind. {@link WindowProcessor} updates its
 * accumulators in memory and only marks them here; the marked ones are encoded and written once,
 * when Kafka Streams flushes its caches just before it commits — so the changelog records join the
 * same exactly-once transaction as the input offsets they cover, and a sensor that sends many
 * readings between two commits costs one changelog record, not one store write per reading.
 * <p>
 * That pre-commit flush reaches a store through {@link CachedStateStore}, an interface in Kafka
 * Streams' {@code internals} package (the one its own record caches use); no public hook runs
 * before the commit. The Kafka version is pinned, and the kill-and-restart integration test and
 * {@code WriteBehindWindowStoreTest} fail if an upgrade stops calling it. {@link #commit(Map)} writes
 * whatever is still marked as well, so a missed flush would show as a late write, not a lost one.
 * <p>
 * The marks live in the store, the accumulators in the processor: {@link #init}, {@link #clearCache()}
 * and {@link #close()} drop the marks, and the processor rebuilds its windows from {@link #all()} in
 * its own {@code init}, which Streams calls after restoring the store.
 */
final class WriteBehindWindowStore implements StateStore, CachedStateStore<Bytes, byte[]> {

    private final KeyValueStore<Bytes, byte[]> durable;
    private final List<WindowAccumulator> marked = new ArrayList<>();

    WriteBehindWindowStore(KeyValueStore<Bytes, byte[]> durable) {
        this.durable = durable;
    }

    /** Remembers that {@code window} changed; it is written at the next flush. */
    void changed(WindowAccumulator window) {
        if (!window.marked) {
            window.marked = true;
            marked.add(window);
        }
    }

    /** Remembers that {@code window} closed; its entry is deleted at the next flush (if it was ever written). */
    void closed(WindowAccumulator window) {
        window.closed = true;
        changed(window);
    }

    /** Every window as last written (after a restore: as the changelog has it). */
    KeyValueIterator<Bytes, byte[]> all() {
        return durable.all();
    }

    /** Writes the marked windows: closed ones that were written before become deletions. */
    @Override
    public void flushCache() {
        for (WindowAccumulator window : marked) {
            window.marked = false;
            if (!window.closed) {
                durable.put(window.key(), window.encode());
                window.written = true;
            } else if (window.written) {
                durable.delete(window.key());
                window.written = false;
            }
        }
        marked.clear();
    }

    @Override
    public void clearCache() {
        marked.clear();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Bytes, byte[]> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return durable.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        marked.clear();
        durable.init(context, root);
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        flushCache();
        durable.commit(changelogOffsets);
    }

    @Override
    public void close() {
        marked.clear();
        durable.close();
    }

    @Override
    public boolean persistent() {
        return durable.persistent();
    }

    @Override
    public boolean isOpen() {
        return durable.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return durable.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return durable.getPosition();
    }

    /** Builds the store: in memory, changelogged, no record cache (the store is its own write-behind cache). */
    static StoreBuilder<WriteBehindWindowStore> builder(String name) {
        return new Builder(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingDisabled());
    }

    private record Builder(StoreBuilder<KeyValueStore<Bytes, byte[]>> durable)
            implements StoreBuilder<WriteBehindWindowStore> {

        @Override
        public StoreBuilder<WriteBehindWindowStore> withCachingEnabled() {
            throw new UnsupportedOperationException("a write-behind store is its own cache");
        }

        @Override
        public StoreBuilder<WriteBehindWindowStore> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<WriteBehindWindowStore> withLoggingEnabled(Map<String, String> config) {
            return new Builder(durable.withLoggingEnabled(config));
        }

        @Override
        public StoreBuilder<WriteBehindWindowStore> withLoggingDisabled() {
            throw new UnsupportedOperationException("the changelog is the windows' only durable copy");
        }

        @Override
        public WriteBehindWindowStore build() {
            return new WriteBehindWindowStore(durable.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return durable.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return durable.loggingEnabled();
        }

        @Override
        public String name() {
            return durable.name();
        }
    }
}
