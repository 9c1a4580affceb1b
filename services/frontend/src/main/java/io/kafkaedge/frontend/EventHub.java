package io.kafkaedge.frontend;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

/**
 * Server-Sent Events fan-out. Each client has a bounded queue drained by its own (virtual)
 * request thread; a client that falls a full queue behind is disconnected (the browser's
 * EventSource reconnects and reloads the state) instead of slowing the consumer down.
 */
public final class EventHub implements AutoCloseable {

    /** Event name of a new aggregate; its data is one {@code /api/sensors} element. */
    public static final String AGGREGATE_EVENT = "aggregate";

    private static final Logger LOG = Logger.getLogger(EventHub.class.getName());
    private static final String CLOSE = new String("close");
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private static final int QUEUE = 1024;

    private final Set<BlockingQueue<String>> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Number of connected clients. */
    public int clients() {
        return clients.size();
    }

    /** Queues one event for every client; never blocks. */
    public void publish(String json) {
        for (BlockingQueue<String> client : clients) {
            if (!client.offer(json)) {
                clients.remove(client);
                client.clear();
                client.offer(CLOSE);
            }
        }
    }

    /** Handler of {@code GET /api/events}: streams until the client leaves or the server stops. */
    public void handle(ServerRequest req, ServerResponse res) {
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
        clients.add(queue);
        try (SseSink sink = res.sink(SseSink.TYPE)) {
            sink.emit(SseEvent.builder().comment("connected").reconnectDelay(Duration.ofSeconds(2)).build());
            while (!closed) {
                String next = queue.poll(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
                if (next == CLOSE) {
                    break;
                }
                sink.emit(next == null
                        ? SseEvent.builder().comment("keepalive").build()
                        : SseEvent.builder().name(AGGREGATE_EVENT).data(next).build());
            }
        } catch (UncheckedIOException e) {
            LOG.log(Level.FINE, "SSE client gone", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(queue);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (BlockingQueue<String> client : clients) {
            client.clear();
            client.offer(CLOSE);
        }
    }
}
