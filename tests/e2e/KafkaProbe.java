// One Kafka client action as a given principal, for tests/e2e/test_authorizer.py: prints one line,
//   OK <detail> | DENIED <exception class> | TLS <exception class> | ERROR <exception class>: <message>
// DENIED = an org.apache.kafka.common.errors.AuthorizationException (topic, group, cluster,
// transactional id); TLS = the handshake failed (SslAuthenticationException). Timeouts are short,
// so an ERROR TimeoutException means the broker never answered, which the tests treat as a failure.
//   java -cp 'build/kafka/libs/*' KafkaProbe.java <client.properties> <bootstrap> produce <topic>
//   ... read <topic>                (assign every partition, poll: needs Read on the topic)
//   ... group <group> <topic>       (subscribe in the group, poll: needs Read on group and topic)
//   ... meta <topic>                (partitionsFor: needs Describe on the topic)
import java.io.FileInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public final class KafkaProbe {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (InputStream in = new FileInputStream(args[0])) {
            p.load(in);
        }
        p.put("bootstrap.servers", args[1]);
        p.put("request.timeout.ms", "10000");
        p.put("default.api.timeout.ms", "15000");
        p.put("max.block.ms", "15000");
        p.put("delivery.timeout.ms", "15000");
        p.put("retries", "0");
        try {
            System.out.println("OK " + run(p, args[2], args[3], args.length > 4 ? args[4] : null));
        } catch (Throwable t) {
            Throwable c = t;
            while (c.getCause() != null && !(c instanceof AuthorizationException) && !(c instanceof SslAuthenticationException)) {
                c = c.getCause();
            }
            String kind = c instanceof AuthorizationException ? "DENIED" : c instanceof SslAuthenticationException ? "TLS" : "ERROR";
            System.out.println(kind + " " + c.getClass().getSimpleName() + (kind.equals("ERROR") ? ": " + c.getMessage() : ""));
        }
    }

    private static String run(Properties p, String action, String name, String topic) throws Exception {
        switch (action) {
            case "produce" -> {
                p.put("key.serializer", StringSerializer.class.getName());
                p.put("value.serializer", StringSerializer.class.getName());
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                    return producer.send(new ProducerRecord<>(name, "probe", "{}")).get(20, TimeUnit.SECONDS).toString();
                }
            }
            case "read", "group", "meta" -> {
                p.put("key.deserializer", StringDeserializer.class.getName());
                p.put("value.deserializer", StringDeserializer.class.getName());
                p.put("auto.offset.reset", "earliest");
                p.put("enable.auto.commit", "false");
                if (action.equals("group")) {
                    p.put("group.id", name);
                }
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
                    String t = action.equals("group") ? topic : name;
                    if (action.equals("meta")) {
                        return consumer.partitionsFor(t).size() + " partitions";
                    }
                    if (action.equals("group")) {
                        consumer.subscribe(List.of(t));
                    } else {
                        consumer.assign(consumer.partitionsFor(t).stream()
                                .map(i -> new TopicPartition(i.topic(), i.partition())).toList());
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    int n = 0;
                    do {
                        n += consumer.poll(Duration.ofSeconds(1)).count();
                    } while (consumer.assignment().isEmpty() && System.nanoTime() < deadline);
                    return n + " records, assignment " + consumer.assignment().size();
                }
            }
            default -> throw new IllegalArgumentException("unknown action " + action);
        }
    }
}
