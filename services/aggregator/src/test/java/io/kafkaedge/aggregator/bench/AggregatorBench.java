package io.kafkaedge.aggregator.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * Benchmark driver (not a test): pre-fills a raw topic in a broker outside this JVM, measures a
 * plain KafkaConsumer reading it (the ceiling), then the real aggregator jar in its own JVM
 * processing it to the last aggregate, sampling its resident memory.
 * <pre>
 * AggregatorBench BOOTSTRAP JAR WORKDIR SENSORS READINGS_PER_SENSOR_PER_WINDOW WINDOWS LABEL [JVM flags…]
 * </pre>
 * Prints {@code RESULT <key> <value>} lines for bench/aggregator.sh.
 */
public final class AggregatorBench {

    static final int PARTITIONS = 3;
    static final int WINDOW_SECONDS = 60;

    private AggregatorBench() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        for (var handler : java.util.logging.Logger.getLogger("").getHandlers()) {
            handler.setLevel(java.util.logging.Level.WARNING);
        }
        String bootstrap = args[0];
        Path jar = Path.of(args[1]);
        Path work = Path.of(args[2]);
        int sensors = Integer.parseInt(args[3]);
        int perWindow = Integer.parseInt(args[4]);
        int windows = Integer.parseInt(args[5]);
        String label = args[6];
        List<String> jvmFlags = List.of(args).subList(7, args.length);
        String raw = "bench-raw-" + label;
        String aggregated = "bench-aggregated-" + label;
        String dlq = "bench-dlq-" + label;
        createTopics(bootstrap, List.of(raw, aggregated, dlq, raw + "-seed-peer-out"));

        Instant base = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS);
        long t0 = System.nanoTime();
        long produced = prefill(bootstrap, raw, sensors, perWindow, windows, base);
        result("prefill_s", seconds(System.nanoTime() - t0));
        result("readings", produced);

        // three passes, each in a fresh JVM with the aggregator's flags (cold, as the aggregator is), and
        // the median: a pass takes about a second, so one pass is at the mercy of the machine
        List<double[]> passes = new ArrayList<>();
        for (int pass = 0; pass < 3; pass++) {
            passes.add(consumerPass(jvmFlags, bootstrap, raw));
        }
        passes.sort(Comparator.comparingDouble(p -> p[0]));
        result("consumer_passes_readings_per_s", passes.stream().map(p -> String.format(Locale.ROOT, "%.0f", p[0]))
                .collect(Collectors.joining(",")));
        result("consumer_readings_per_s", passes.get(1)[0]);
        result("consumer_cpu_us_per_reading", passes.get(1)[1]);
        if (!"false".equals(System.getenv("BENCH_PASSTHROUGH"))) {
            runPassThrough(jvmFlags, bootstrap, raw, produced, work.resolve("passthrough-" + label));
        }
        if (!"false".equals(System.getenv("BENCH_SEED_PEER"))) {
            runJava(jvmFlags, SeedPeer.class.getName(), bootstrap, raw, Long.toString(produced),
                    work.resolve("seed-peer-" + label).toString())
                    .stream().filter(l -> l.startsWith("RESULT ")).forEach(System.out::println);
        }

        Map<String, String> env = new HashMap<>();
        env.put("AGGREGATOR_SITE", "bench");
        env.put("AGGREGATOR_TOPICS_RAW", raw);
        env.put("AGGREGATOR_TOPICS_AGGREGATED", aggregated);
        env.put("AGGREGATOR_TOPICS_DLQ", dlq);
        env.put("AGGREGATOR_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("AGGREGATOR_KAFKA_APPLICATION_ID", "bench-" + label);
        env.put("AGGREGATOR_KAFKA_STATE_DIR", work.resolve("state-" + label).toString());
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("AGGREGATOR_")) {
                env.put(k, v); // tuning from the caller wins
            }
        });
        long expected = (long) sensors * windows;
        runAggregator(jar, jvmFlags, env, work.resolve("aggregator-" + label + ".log"), bootstrap, aggregated,
                expected, produced);
    }

    static void result(String key, Object value) {
        System.out.println("RESULT " + key + " " + (value instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : value));
    }

    /**
     * Settings every Kafka Streams run of the benchmark shares: its own application id, exactly-once
     * v2, a state directory, and reading the topic from its start; everything else is Streams' default.
     */
    static Properties streamsProperties(String name, String bootstrap, Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, name + "-" + ProcessHandle.current().pid());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        return p;
    }

    /**
     * Runs a Kafka Streams topology until {@code counter} reaches {@code expected} and prints
     * {@code <name>_readings_per_s} and {@code <name>_cpu_us_per_reading}; the clock starts at the
     * first record counted, as the aggregator's does.
     */
    static void timeStreams(Topology topology, Properties p,
                            LongAdder counter, long expected, Duration limit,
                            String name) throws InterruptedException {
        try (KafkaStreams streams = new KafkaStreams(topology, p)) {
            streams.start();
            long deadline = System.nanoTime() + limit.toNanos();
            while (counter.sum() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": no record counted");
                }
                Thread.sleep(1);
            }
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            while (counter.sum() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": only " + counter.sum() + " of " + expected + " records");
                }
                Thread.sleep(5);
            }
            result(name + "_readings_per_s", expected / seconds(System.nanoTime() - start));
            result(name + "_cpu_us_per_reading", (processCpuNanos() - cpuStart) / 1e3 / expected);
            streams.close(Duration.ofSeconds(10));
        }
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static void createTopics(String bootstrap, List<String> names) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(names.stream().map(n -> new NewTopic(n, PARTITIONS, (short) 1)).toList()).all().get();
        }
    }

    /** Time-major (as sensors send): every sensor once per step, steps evenly through each window. */
    static long prefill(String bootstrap, String topic, int sensors, int perWindow, int windows, Instant base)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
        long count = 0;
        byte[][] keys = new byte[sensors][];
        for (int s = 0; s < sensors; s++) {
            keys[s] = ("sensor-" + s).getBytes(StandardCharsets.UTF_8);
        }
        AtomicLong failures = new AtomicLong();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            int steps = perWindow * windows;
            double stepMs = WINDOW_SECONDS * 1000.0 / perWindow;
            for (int step = 0; step < steps; step++) {
                String time = base.plusMillis((long) (step * stepMs)).truncatedTo(ChronoUnit.SECONDS).toString();
                for (int s = 0; s < sensors; s++) {
                    String json = "{\"sensorId\":\"sensor-" + s + "\",\"bootId\":\"b" + s + "\",\"seq\":" + step
                            + ",\"timestamp\":\"" + time
                            + "\",\"temperature\":" + (15 + (s % 20) + (step % 10) * 0.1)
                            + ",\"humidity\":" + (40 + (step % 30)) + ",\"pressure\":" + (980 + (s % 40) * 0.5)
                            + ",\"latitude\":50.0755,\"longitude\":14.4378}";
                    producer.send(new ProducerRecord<>(topic, keys[s], json.getBytes(StandardCharsets.UTF_8)),
                            (md, e) -> {
                                if (e != null) {
                                    failures.incrementAndGet();
                                }
                            });
                    count++;
                }
            }
            // one reading per partition well after the last window closes every window
            String later = base.plusSeconds((long) windows * WINDOW_SECONDS + 120).toString();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                String id = "flush-" + partition;
                String json = "{\"sensorId\":\"" + id + "\",\"timestamp\":\"" + later
                        + "\",\"temperature\":20,\"humidity\":50,\"pressure\":1000,\"latitude\":0,\"longitude\":0}";
                producer.send(new ProducerRecord<>(topic, partition, id.getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)));
                count++;
            }
            producer.flush();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " sends failed");
        }
        return count;
    }

    /** A byte-array consumer with one extra setting, assigned every partition of {@code topic}. */
    static KafkaConsumer<byte[], byte[]> assigned(String bootstrap, String topic, String key, String value) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(key, value);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (int i = 0; i < PARTITIONS; i++) {
            partitions.add(new TopicPartition(topic, i));
        }
        consumer.assign(partitions);
        return consumer;
    }

    /** {@link #consumeAll} in a fresh JVM with {@code jvmFlags}: {records per second, CPU µs per record}. */
    static double[] consumerPass(List<String> jvmFlags, String bootstrap, String topic) throws Exception {
        List<String> out = runJava(jvmFlags, AggregatorBench.class.getName() + "$ConsumerPass", bootstrap, topic);
        String[] fields = out.stream().filter(l -> l.startsWith("PASS ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("consumer pass printed no result: " + out)).split(" ");
        return new double[] {Double.parseDouble(fields[1]), Double.parseDouble(fields[2])};
    }

    /** One plain-consumer pass in its own JVM; prints {@code PASS <records/s> <CPU µs/record>}. */
    static final class ConsumerPass {
        public static void main(String[] args) {
            double[] pass = consumeAll(args[0], args[1]);
            System.out.printf(Locale.ROOT, "PASS %.1f %.3f%n", pass[0], pass[1]);
        }
    }

    /** This JVM's {@code java} with {@code jvmFlags}, to be completed with what to run. */
    static List<String> javaCommand(List<String> jvmFlags) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        return command;
    }

    /** Runs {@code mainClass} of this classpath in a JVM with {@code jvmFlags}; returns its output lines. */
    static List<String> runJava(List<String> jvmFlags, String mainClass, String... args) throws Exception {
        List<String> command = javaCommand(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines;
        try (var out = process.inputReader(StandardCharsets.UTF_8)) {
            lines = out.lines().toList();
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException(mainClass + " failed (exit " + process.exitValue() + "): "
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        }
        return lines;
    }

    /** Reads the whole topic with a plain consumer, no parsing: {records per second, CPU µs per record}. */
    static double[] consumeAll(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = assigned(bootstrap, topic, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")) {
            List<TopicPartition> partitions = new ArrayList<>(consumer.assignment());
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long target = end.values().stream().mapToLong(Long::longValue).sum();
            consumer.seekToBeginning(partitions);
            long count = 0;
            long bytes = 0;
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            while (count < target) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (var record : records) {
                    bytes += record.value().length;
                    count++;
                }
            }
            long nanos = System.nanoTime() - start;
            if (bytes == 0) {
                throw new IllegalStateException("read no bytes");
            }
            return new double[] {count / seconds(nanos), (processCpuNanos() - cpuStart) / 1e3 / count};
        }
    }

    /** {@link StreamsPassThrough} in its own JVM with the aggregator's flags; its RESULT lines go to our output. */
    static void runPassThrough(List<String> jvmFlags, String bootstrap, String topic, long records, Path stateDir)
            throws Exception {
        runJava(jvmFlags, StreamsPassThrough.class.getName(), bootstrap, topic, Long.toString(records), stateDir.toString())
                .stream().filter(l -> l.startsWith("RESULT ")).forEach(System.out::println);
    }

    static void runAggregator(Path jar, List<String> jvmFlags, Map<String, String> env, Path log, String bootstrap,
                              String aggregated, long expected, long readings) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = javaCommand(jvmFlags);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.environment().put("SERVER_PORT", Integer.toString(port));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        long launched = System.nanoTime();
        Process process = pb.start();
        MemorySampler memory = new MemorySampler(process.pid());
        memory.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            // the clock starts at the first accepted reading: stream threads start processing before
            // Kafka Streams as a whole reports RUNNING, and a follow-up rebalance can come either side
            URI metricsUri = URI.create("http://127.0.0.1:" + port + "/observe/metrics");
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (accepted(http, metricsUri) <= 0) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("aggregator accepted no reading; see " + log);
                }
                Thread.sleep(5);
            }
            long running = System.nanoTime();
            long cpuAtRunning = cpuTicks(process.pid());
            result("aggregator_startup_s", seconds(running - launched));
            long done = awaitAggregates(bootstrap, aggregated, expected, Duration.ofMinutes(8));
            long ticks = cpuTicks(process.pid()) - cpuAtRunning;
            result("aggregator_cpu_us_per_reading", ticks * 10_000.0 / readings); // 100 ticks per second
            double secondsToLast = seconds(done - running);
            result("aggregates", expected);
            result("aggregator_s", secondsToLast);
            result("aggregator_readings_per_s", readings / secondsToLast);
            String metrics = get(http, metricsUri);
            metrics.lines().filter(l -> l.startsWith("aggregator_readings_accepted_total")
                            || l.startsWith("aggregator_late_readings_dropped_total")
                            || l.startsWith("aggregator_readings_duplicate_total")
                            || l.startsWith("aggregator_readings_rejected_total")
                            || l.startsWith("aggregator_aggregates_emitted_total"))
                    .forEach(l -> System.out.println("METRIC " + l));
        } finally {
            process.destroy();
            boolean stopped = process.waitFor(60, TimeUnit.SECONDS);
            memory.interrupt();
            memory.join();
            result("aggregator_peak_rss_mb", memory.peakKb / 1024.0);
            result("aggregator_vmhwm_mb", memory.hwmKb / 1024.0);
            if (!stopped) {
                process.destroyForcibly();
            }
        }
    }

    /** Reads the output (read_committed) until {@code expected} aggregates; returns System.nanoTime() then. */
    static long awaitAggregates(String bootstrap, String topic, long expected, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = assigned(bootstrap, topic, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")) {
            List<TopicPartition> partitions = new ArrayList<>(consumer.assignment());
            consumer.seekToBeginning(partitions);
            long count = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + count + " of " + expected + " aggregates");
                }
                count += consumer.poll(Duration.ofMillis(100)).count();
            }
            return System.nanoTime();
        }
    }

    /** CPU time of this JVM (all threads). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime + stime of a process, in clock ticks (USER_HZ = 100 on Linux). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The aggregator's accepted-readings counter, or -1 while its metrics cannot be read. */
    static double accepted(HttpClient http, URI metrics) {
        try {
            return get(http, metrics).lines().filter(l -> l.startsWith("aggregator_readings_accepted_total"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).header("Accept", "text/plain").build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Samples VmRSS of a process every 100 ms; keeps the peak and the kernel's VmHWM. */
    static final class MemorySampler extends Thread {
        private final Path status;
        volatile long peakKb;
        volatile long hwmKb;

        MemorySampler(long pid) {
            super("rss-sampler");
            setDaemon(true);
            status = Path.of("/proc", Long.toString(pid), "status");
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                try {
                    for (String line : Files.readAllLines(status)) {
                        if (line.startsWith("VmRSS:")) {
                            peakKb = Math.max(peakKb, kb(line));
                        } else if (line.startsWith("VmHWM:")) {
                            hwmKb = Math.max(hwmKb, kb(line));
                        }
                    }
                    Thread.sleep(100);
                } catch (IOException e) {
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static long kb(String line) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
    }
}
