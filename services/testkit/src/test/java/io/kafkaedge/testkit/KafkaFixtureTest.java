package io.kafkaedge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaFixtureTest {

    @Test
    void brokerRoundTripsRecordsAndCreatesTopicsIdempotently() throws Exception {
        try (KafkaFixture kafka = KafkaFixture.start()) {
            kafka.createTopics(3, Map.of("retention.ms", "3600000"), List.of("roundtrip"));
            kafka.createTopics(3, List.of("roundtrip"));
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                assertThat(admin.describeTopics(List.of("roundtrip")).allTopicNames().get()
                        .get("roundtrip").partitions()).hasSize(3);
            }

            Properties p = kafka.clientProperties();
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (var producer = new KafkaProducer<String, String>(p)) {
                producer.send(new ProducerRecord<>("roundtrip", "k", "v")).get();
            }
            Properties c = kafka.clientProperties();
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "fixture-test");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            try (var consumer = new KafkaConsumer<String, String>(c)) {
                consumer.subscribe(List.of("roundtrip"));
                ConsumerRecords<String, String> records = ConsumerRecords.empty();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (records.isEmpty() && System.nanoTime() < deadline) {
                    records = consumer.poll(Duration.ofMillis(200));
                }
                assertThat(records.count()).isEqualTo(1);
                assertThat(records.iterator().next().value()).isEqualTo("v");
            }
        }
    }

    @Test
    void unknownFixtureKindIsNamedInTheError() {
        String previous = System.getProperty("kafka.fixture");
        System.setProperty("kafka.fixture", "zookeeper");
        try {
            assertThatThrownBy(KafkaFixture::start).hasMessageContaining("kafka.fixture");
        } finally {
            if (previous == null) {
                System.clearProperty("kafka.fixture");
            } else {
                System.setProperty("kafka.fixture", previous);
            }
        }
    }
}
