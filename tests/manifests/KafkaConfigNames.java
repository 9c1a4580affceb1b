import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Prints, as JSON, the real configuration names of the Kafka version on the classpath
 * (build/kafka/libs): broker, topic, producer, consumer, admin, Connect worker and MirrorMaker 2
 * source connector. The manifest tests check every Strimzi {@code config} key against them.
 * Run with the source launcher: {@code java -cp 'build/kafka/libs/*' KafkaConfigNames.java}.
 */
public final class KafkaConfigNames {
    private KafkaConfigNames() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        Map<String, Collection<String>> names = new TreeMap<>();
        names.put("broker", scala.jdk.javaapi.CollectionConverters.asJava(kafka.server.KafkaConfig.configNames()));
        names.put("topic", org.apache.kafka.storage.internals.log.LogConfig.configNames());
        names.put("producer", org.apache.kafka.clients.producer.ProducerConfig.configNames());
        names.put("consumer", org.apache.kafka.clients.consumer.ConsumerConfig.configNames());
        names.put("admin", org.apache.kafka.clients.admin.AdminClientConfig.configNames());
        names.put("connect_worker", distributedWorkerConfig().names());
        names.put("mirror_source", new org.apache.kafka.connect.mirror.MirrorSourceConnector().config().names());
        names.put("version", java.util.List.of(org.apache.kafka.common.utils.AppInfoParser.getVersion()));
        System.out.println(names.entrySet().stream()
                .map(e -> quote(e.getKey()) + ": [" + new TreeSet<>(e.getValue()).stream()
                        .map(KafkaConfigNames::quote).collect(Collectors.joining(", ")) + "]")
                .collect(Collectors.joining(",\n ", "{", "}")));
    }

    /** DistributedConfig keeps its ConfigDef behind a private factory; read it reflectively. */
    private static ConfigDef distributedWorkerConfig() throws ReflectiveOperationException {
        Class<?> crypto = org.apache.kafka.connect.runtime.distributed.Crypto.class;
        Method m = org.apache.kafka.connect.runtime.distributed.DistributedConfig.class
                .getDeclaredMethod("config", crypto);
        m.setAccessible(true);
        return (ConfigDef) m.invoke(null, crypto.getField("SYSTEM").get(null));
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
