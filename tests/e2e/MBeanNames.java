import com.sun.tools.attach.VirtualMachine;
import javax.management.MBeanAttributeInfo;
import javax.management.ObjectName;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Prints "object name TAB attribute" for every MBean of a running JVM (pid) matching a pattern, so the
 * e2e suite can check the JMX exporter rules against the names Kafka really registers.
 * Run with the source launcher: {@code java MBeanNames.java <pid> 'kafka.connect.mirror:*'}.
 */
public final class MBeanNames {
    private MBeanNames() {
    }

    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try (var connector = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()))) {
            var server = connector.getMBeanServerConnection();
            for (ObjectName name : server.queryNames(new ObjectName(args[1]), null)) {
                for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                    System.out.println(name + "\t" + attribute.getName());
                }
            }
        } finally {
            vm.detach();
        }
    }
}
