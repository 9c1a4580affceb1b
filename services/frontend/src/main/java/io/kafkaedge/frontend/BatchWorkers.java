package io.kafkaedge.frontend;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A few worker threads that apply batches while the submitting thread (the Kafka consumer) polls
 * the next one. A batch comes as one part per worker; worker {@code w} runs part {@code w} of every
 * batch in submission order, so whatever the caller puts in the same part stays in order. At most
 * {@code maxInFlight} batches are queued (the caller blocks beyond), which bounds the memory held.
 * Batches are numbered from 1; {@link #completed()} tells up to which one all parts have run.
 * Only one thread may submit.
 */
final class BatchWorkers implements AutoCloseable {

    private final ExecutorService[] workers;
    private final Semaphore inFlight;
    /** Per worker: the number of the last batch whose part it has run. */
    private final AtomicLongArray done;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private long submitted;

    BatchWorkers(String name, int threads, int maxInFlight) {
        workers = new ExecutorService[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = Executors.newSingleThreadExecutor(Thread.ofPlatform().name(name + "-" + i).daemon().factory());
        }
        inFlight = new Semaphore(maxInFlight);
        done = new AtomicLongArray(threads);
    }

    int threads() {
        return workers.length;
    }

    /**
     * Queues one batch, {@code parts.get(w)} for worker {@code w}; blocks while {@code maxInFlight}
     * batches are queued. Returns the batch's number. Throws if an earlier part failed.
     */
    long submit(List<Runnable> parts) throws InterruptedException {
        if (parts.size() != workers.length) {
            throw new IllegalArgumentException(parts.size() + " parts for " + workers.length + " workers");
        }
        throwIfFailed();
        inFlight.acquire();
        long batch = ++submitted;
        AtomicInteger remaining = new AtomicInteger(workers.length);
        for (int w = 0; w < workers.length; w++) {
            int worker = w;
            Runnable part = parts.get(w);
            workers[w].execute(() -> {
                try {
                    if (failure.get() == null) {
                        part.run();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.set(worker, batch);
                    if (remaining.decrementAndGet() == 0) {
                        inFlight.release();
                    }
                }
            });
        }
        return batch;
    }

    /** Number of the last batch submitted (0 before the first). Submitting thread only. */
    long submitted() {
        return submitted;
    }

    /** Every batch up to this number has been run by all workers. */
    long completed() {
        long min = Long.MAX_VALUE;
        for (int w = 0; w < workers.length; w++) {
            min = Math.min(min, done.get(w));
        }
        return min;
    }

    /** Nothing queued or running: the submitting thread may apply records itself, in order. */
    boolean idle() {
        return completed() == submitted;
    }

    /** Rethrows (wrapped) what a part threw, on the submitting thread. */
    void throwIfFailed() {
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException("processing a batch failed", e);
        }
    }

    @Override
    public void close() {
        for (ExecutorService worker : workers) {
            worker.shutdownNow();
        }
    }
}
