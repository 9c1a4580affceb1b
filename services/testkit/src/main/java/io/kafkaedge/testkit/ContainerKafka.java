package io.kafkaedge.testkit;

import com.github.dockerjava.api.model.Ulimit;
import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** Kafka in a container through Testcontainers (Docker engine or podman's Docker API socket). */
final class ContainerKafka implements KafkaFixture {

    /** The official image of the Kafka version on the classpath (pom.xml's kafka.version). */
    static final String DEFAULT_IMAGE = "apache/kafka:" + AppInfoParser.getVersion();

    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    static ContainerKafka start(String image) {
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image)
                .asCompatibleSubstituteFor("apache/kafka"))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                // Explicit limits: podman's Docker API otherwise raises nproc/nofile beyond the hard
                // limits of sandboxes and CI runners ("error setting rlimit type 6").
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withUlimits(new Ulimit[] {
                    new Ulimit("nproc", 4096L, 4096L), new Ulimit("nofile", 4096L, 4096L)}))
                .withStartupTimeout(READY_TIMEOUT);
        container.start();
        return new ContainerKafka(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public String kind() {
        return "container " + container.getDockerImageName();
    }

    @Override
    public void close() {
        container.stop();
    }
}
