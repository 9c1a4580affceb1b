package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class BatchWorkersTest {

    @Test
    void eachWorkerRunsItsPartsInSubmissionOrder() throws Exception {
        try (BatchWorkers workers = new BatchWorkers("test", 3, 2)) {
            List<List<Integer>> seen = List.of(Collections.synchronizedList(new ArrayList<>()),
                    Collections.synchronizedList(new ArrayList<>()), Collections.synchronizedList(new ArrayList<>()));
            for (int batch = 1; batch <= 200; batch++) {
                int b = batch;
                List<Runnable> parts = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    int worker = w;
                    parts.add(() -> seen.get(worker).add(b));
                }
                assertThat(workers.submit(parts)).isEqualTo(batch);
            }
            assertThat(workers.submitted()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(workers::idle);
            assertThat(workers.completed()).isEqualTo(200);
            for (List<Integer> s : seen) {
                assertThat(s).hasSize(200).isSorted();
            }
        }
    }

    @Test
    void completedWaitsForTheSlowestWorkerAndSubmitBlocksBeyondTheBound() throws Exception {
        try (BatchWorkers workers = new BatchWorkers("test", 2, 2)) {
            CountDownLatch release = new CountDownLatch(1);
            Runnable blocked = () -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            workers.submit(List.of(() -> { }, blocked));
            workers.submit(List.of(() -> { }, () -> { }));
            Thread.sleep(100);
            assertThat(workers.completed()).isZero();
            assertThat(workers.idle()).isFalse();
            AtomicInteger third = new AtomicInteger();
            Thread submitter = Thread.ofPlatform().start(() -> {
                try {
                    third.set((int) workers.submit(List.of(() -> { }, () -> { })));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Thread.sleep(200);
            assertThat(third).hasValue(0); // two batches in flight: the third waits
            release.countDown();
            submitter.join(5_000);
            assertThat(third).hasValue(3);
            await().atMost(Duration.ofSeconds(5)).until(() -> workers.completed() == 3);
        }
    }

    @Test
    void aFailedPartIsRethrownOnTheSubmittingThread() throws Exception {
        try (BatchWorkers workers = new BatchWorkers("test", 2, 2)) {
            workers.submit(List.of(() -> { }, () -> {
                throw new IllegalArgumentException("boom");
            }));
            await().atMost(Duration.ofSeconds(5)).until(() -> workers.completed() == 1);
            assertThatThrownBy(workers::throwIfFailed).isInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("boom");
            assertThatThrownBy(() -> workers.submit(List.of(() -> { }, () -> { })))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
