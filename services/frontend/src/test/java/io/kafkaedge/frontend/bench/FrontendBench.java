package io.kafkaedge.frontend.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Load generator of bench/frontend.sh (not a test):
 * <ul>
 *   <li>{@code load BOOTSTRAP SITES SENSORS MINUTES} — creates one aggregate topic per site and
 *       writes MINUTES one-minute aggregates for each of SENSORS sensors, oldest first;</li>
 *   <li>{@code sse BOOTSTRAP URL CLIENTS EVENTS} — connects CLIENTS to the event stream, produces
 *       EVENTS aggregates and prints the delivery latency percentiles over all clients;</li>
 *   <li>{@code memory SENSORS POINTS} — fills a store (with its per-sensor meters in Helidon's
 *       registry) with SENSORS full histories of POINTS one-minute windows, in this JVM, and prints
 *       the heap it holds after a full GC, per sensor and beyond the history columns;</li>
 *   <li>{@code consume BOOTSTRAP} — the reference for the rebuild: a plain consumer with the
 *       frontend's fetch settings reads every record of the aggregate topics (touching each value's
 *       bytes, parsing nothing) and prints how many records and bytes it read.</li>
 * </ul>
 */
public final class FrontendBench {

    private FrontendBench() {
    }

    public static void main(String[] args) throws Exception {
        io.helidon.logging.common.LogConfig.configureRuntime(); // logging.properties: Kafka clients at WARNING
        switch (args[0]) {
            case "load" -> load(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "sse" -> sse(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "consume" -> consume(args[1]);
            case "memory" -> memory(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("load | sse | consume");
        }
    }

    static String topic(int site) {
        return "site" + site + ".sensor-data-aggregated";
    }

    static String json(String id, String site, Instant start, double t, double lat, double lon) {
        StringBuilder b = new StringBuilder(360);
        b.append("{\"sensorId\":\"").append(id).append("\",\"site\":\"").append(site)
                .append("\",\"windowStart\":\"").append(start).append("\",\"windowEnd\":\"").append(start.plusSeconds(60))
                .append("\",\"count\":60,\"duplicates\":0,\"missing\":0,\"temperature\":{\"avg\":").append(t).append(",\"min\":").append(t - 0.2)
                .append(",\"max\":").append(t + 0.2).append("},\"humidity\":{\"avg\":54.9,\"min\":54.1,\"max\":55.3},")
                .append("\"pressure\":{\"avg\":981.6,\"min\":981.2,\"max\":981.9},\"latitude\":").append(lat)
                .append(",\"longitude\":").append(lon).append('}');
        return b.toString();
    }

    static KafkaProducer<String, String> producer(String bootstrap, int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(p);
    }

    static void load(String bootstrap, int sites, int sensors, int minutes) throws Exception {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin a = Admin.create(admin)) {
            List<NewTopic> topics = new ArrayList<>();
            for (int s = 0; s < sites; s++) {
                topics.add(new NewTopic(topic(s), 3, (short) 1));
            }
            a.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
        Instant last = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(60);
        long t0 = System.nanoTime();
        long records = 0;
        try (KafkaProducer<String, String> producer = producer(bootstrap, 50)) {
            for (int m = minutes - 1; m >= 0; m--) {
                Instant start = last.minus(Duration.ofMinutes(m));
                long ts = start.plusSeconds(60).toEpochMilli();
                for (int i = 0; i < sensors; i++) {
                    int site = i % sites;
                    String id = "s" + site + "-" + i;
                    double lat = 35 + (i % 100) * 0.3;
                    double lon = -10 + (i / 100) * 0.4;
                    double t = Math.round((10 + 10 * Math.sin((i + m) / 50.0)) * 10) / 10.0;
                    producer.send(new ProducerRecord<>(topic(site), null, ts, id, json(id, "site" + site, start, t, lat, lon)));
                    records++;
                }
            }
            producer.flush();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "loaded %d records in %.1f s (%.0f/s)%n", records, secs, records / secs);
    }

    @SuppressWarnings("removal") // Metrics.globalRegistry(): the registry the service uses
    static void memory(int sensors, int points) throws Exception {
        io.helidon.config.Config config = io.helidon.config.Config.builder()
                .sources(io.helidon.config.ConfigSources.create(Map.of("sensors.max", Integer.toString(sensors),
                        "history.points", Integer.toString(points), "history.retention", "PT" + points + "M",
                        "sensors.evict", "PT" + (points + 10) + "M")),
                        io.helidon.config.ConfigSources.classpath("application.yaml"))
                .build();
        io.kafkaedge.frontend.FrontendConfig fc = io.kafkaedge.frontend.FrontendConfig.from(config);
        Instant last = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(60);
        io.kafkaedge.frontend.SensorStore store = new io.kafkaedge.frontend.SensorStore(fc, java.time.Clock.systemUTC());
        long before = usedAfterGc();
        store.addListener(new io.kafkaedge.frontend.SensorMetrics(io.helidon.metrics.api.Metrics.globalRegistry()));
        for (int m = points - 1; m >= 0; m--) {
            Instant start = last.minus(Duration.ofMinutes(m));
            for (int i = 0; i < sensors; i++) {
                String id = "s" + (i % 10) + "-" + i;
                double t = Math.round((10 + 10 * Math.sin((i + m) / 50.0)) * 10) / 10.0;
                store.accept(new io.kafkaedge.frontend.Aggregate(id, "site" + (i % 10), start, start.plusSeconds(60),
                        60, 0L, (long) (i % 7), new io.kafkaedge.frontend.Aggregate.Stats(t, t - 0.2, t + 0.2),
                        new io.kafkaedge.frontend.Aggregate.Stats(54.9, 54.1, 55.3),
                        new io.kafkaedge.frontend.Aggregate.Stats(981.6, 981.2, 981.9), 35 + (i % 100) * 0.3,
                        -10 + (i / 100) * 0.4));
            }
        }
        long after = usedAfterGc();
        long perSensor = (after - before) / sensors;
        int slots = points + Math.max(8, points / 8);   // History.slots
        long history = 20L * slots + 6 * 16;            // History.BYTES_PER_POINT × slots + six array headers
        System.out.printf(Locale.ROOT, "store of %d sensors × %d points: %.1f MB (%d bytes a sensor: %d history columns"
                        + " + %d the rest)%nMEMORY_PER_SENSOR_BYTES %d%nMEMORY_OVERHEAD_BYTES %d%n",
                store.size(), points, (after - before) / 1e6, perSensor, history, perSensor - history, perSensor,
                perSensor - history);
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    static void consume(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-plain-consumer");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long records = 0;
        long bytes = 0;
        long checksum = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.listTopics(Duration.ofSeconds(30)).forEach((topic, infos) -> {
                if (topic.endsWith(".sensor-data-aggregated")) {
                    infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                }
            });
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            while (!ends.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    bytes += r.value().length;
                    checksum += r.value()[r.value().length / 2];
                }
                ends.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        }
        System.out.printf(Locale.ROOT, "plain consumer read %d records, %d bytes (checksum %d)%n", records, bytes, checksum);
    }

    static void sse(String bootstrap, String url, int clients, int events) throws Exception {
        HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
        long[][] latencies = new long[clients][events];
        AtomicInteger connected = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(clients);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Arrays.fill(latencies[client], -1);
            pool.submit(() -> {
                HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").build();
                HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
                connected.incrementAndGet();
                int received = 0;
                try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                    for (String line; received < events && (line = in.readLine()) != null; ) {
                        int at = line.indexOf("\"id\":\"sse-");
                        if (line.startsWith("data:") && at >= 0) {
                            long now = System.nanoTime();
                            String id = line.substring(at + 6, line.indexOf('"', at + 6));
                            int n = Integer.parseInt(id.substring(4));
                            Long sent = sentAt.get(id);
                            if (sent != null) {
                                latencies[client][n] = now - sent;
                                received++;
                            }
                        }
                    }
                } finally {
                    done.countDown();
                }
                return null;
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (connected.get() < clients && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        System.out.println("sse clients connected: " + connected.get());
        Thread.sleep(1000);
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        try (KafkaProducer<String, String> producer = producer(bootstrap, 0)) {
            for (int n = 0; n < events; n++) {
                String id = "sse-" + n;
                sentAt.put(id, System.nanoTime());
                producer.send(new ProducerRecord<>(topic(0), null, start.plusSeconds(60).toEpochMilli(), id,
                        json(id, "site0", start, 20.0, 50, 14)));
                producer.flush();
                Thread.sleep(20);
            }
        }
        done.await(30, TimeUnit.SECONDS);
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).filter(v -> v >= 0).sorted().toArray();
        long expected = (long) clients * events;
        System.out.printf(Locale.ROOT, "sse deliveries %d of %d%n", all.length, expected);
        if (all.length > 0) {
            System.out.printf(Locale.ROOT, "SSE_P50_MS %.1f%nSSE_P99_MS %.1f%nSSE_DELIVERED %d%nSSE_EXPECTED %d%n",
                    all[all.length / 2] / 1e6, all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)] / 1e6,
                    all.length, expected);
        }
        System.exit(0);
    }
}
