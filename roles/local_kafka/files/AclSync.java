// Makes a Kafka cluster hold exactly the ACLs it is given, through the Admin API (run by
// roles/local_kafka as a single-file program on the classpath of build/kafka/libs).
//
//   java -cp 'libs/*' AclSync.java <client.properties> list          -> the ACLs the cluster holds
//   java -cp 'libs/*' AclSync.java <client.properties> sync [--dry-run] < desired.json
//                                                                     -> {"added": [...], "removed": [...]}
//
// desired.json: [{"principal": "User:bridge", "resource": {"type": "topic", "name": "sensor-data",
// "patternType": "literal"}, "operations": ["Write", "Describe"]}, ...] - Strimzi's KafkaUser ACL
// form (host *, allow). Bindings are printed in the same vocabulary, one per operation, sorted.
// Every ACL of the cluster that is not desired is removed: the playbook owns the local brokers' ACLs.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public final class AclSync {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !Set.of("list", "sync").contains(args[1])) {
            System.err.println("usage: AclSync <client.properties> list | sync [--dry-run] < desired.json");
            System.exit(2);
        }
        Properties props = new Properties();
        try (InputStream in = new FileInputStream(args[0])) {
            props.load(in);
        }
        try (Admin admin = Admin.create(props)) {
            TreeMap<String, AclBinding> current = new TreeMap<>();
            for (AclBinding b : admin.describeAcls(AclBindingFilter.ANY).values().get(60, TimeUnit.SECONDS)) {
                current.put(key(b), b);
            }
            if (args[1].equals("list")) {
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(current.values())));
                return;
            }
            boolean dryRun = args.length > 2 && args[2].equals("--dry-run");
            TreeMap<String, AclBinding> desired = new TreeMap<>();
            for (JsonNode acl : JSON.readTree(System.in)) {
                JsonNode r = acl.get("resource");
                ResourcePattern pattern = new ResourcePattern(resourceType(r.get("type").asText()), r.get("name").asText(),
                        patternType(r.get("patternType").asText()));
                for (JsonNode op : acl.get("operations")) {
                    AclBinding b = new AclBinding(pattern, new AccessControlEntry(acl.get("principal").asText(), "*",
                            AclOperation.valueOf(upperSnake(op.asText())), AclPermissionType.ALLOW));
                    desired.put(key(b), b);
                }
            }
            List<AclBinding> add = new ArrayList<>();
            desired.forEach((k, b) -> { if (!current.containsKey(k)) add.add(b); });
            List<AclBinding> remove = new ArrayList<>();
            current.forEach((k, b) -> { if (!desired.containsKey(k)) remove.add(b); });
            if (!dryRun) {
                if (!add.isEmpty()) {
                    admin.createAcls(add).all().get(60, TimeUnit.SECONDS);
                }
                if (!remove.isEmpty()) {
                    admin.deleteAcls(remove.stream().map(AclBinding::toFilter).toList()).all().get(60, TimeUnit.SECONDS);
                }
            }
            ObjectNode out = JSON.createObjectNode();
            out.set("added", toJson(add));
            out.set("removed", toJson(remove));
            System.out.println(JSON.writeValueAsString(out));
        }
    }

    private static String key(AclBinding b) {
        return String.join("\u0000", b.entry().principal(), b.pattern().resourceType().name(), b.pattern().name(),
                b.pattern().patternType().name(), b.entry().operation().name(), b.entry().host(),
                b.entry().permissionType().name());
    }

    private static ArrayNode toJson(Iterable<AclBinding> bindings) {
        ArrayNode list = JSON.createArrayNode();
        for (AclBinding b : bindings) {
            ObjectNode o = list.addObject();
            o.put("principal", b.entry().principal());
            o.put("type", camel(b.pattern().resourceType().name(), false));
            o.put("name", b.pattern().name());
            o.put("patternType", b.pattern().patternType() == PatternType.PREFIXED ? "prefix"
                    : b.pattern().patternType().name().toLowerCase(Locale.ROOT));
            o.put("operation", camel(b.entry().operation().name(), true));
            o.put("host", b.entry().host());
            o.put("permission", b.entry().permissionType().name().toLowerCase(Locale.ROOT));
        }
        return list;
    }

    /** Strimzi's names: topic, group, cluster, transactionalId / Read, DescribeConfigs, IdempotentWrite. */
    private static String camel(String upperSnake, boolean capitalFirst) {
        StringBuilder s = new StringBuilder();
        for (String part : upperSnake.toLowerCase(Locale.ROOT).split("_")) {
            s.append(s.isEmpty() && !capitalFirst ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        }
        return s.toString();
    }

    private static String upperSnake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    private static ResourceType resourceType(String strimzi) {
        return ResourceType.valueOf(upperSnake(strimzi));
    }

    private static PatternType patternType(String strimzi) {
        return switch (strimzi) {
            case "literal" -> PatternType.LITERAL;
            case "prefix" -> PatternType.PREFIXED;
            default -> throw new IllegalArgumentException("patternType must be literal or prefix: " + strimzi);
        };
    }
}
