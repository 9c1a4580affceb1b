# Shared by the Java benchmarks (sourced, not run): the JDK, and the drivers' classpath.

: "${JAVA_HOME:?JAVA_HOME must point at a JDK 21+ (make sets it)}"
JAVA=$JAVA_HOME/bin/java

# bench_classpath MODULE WORKDIR: build what the benchmark driver of services/MODULE needs (the
# service jar and the Kafka jars if missing, its test classes) and print the driver's classpath.
bench_classpath() {
  local module=$1 work
  work=$(cd "$2" && pwd) # absolute: Maven writes the file relative to the module otherwise
  [[ -f services/$module/target/$module.jar && -d build/kafka/libs ]] \
    || mvn -B -ntp -q -DskipTests install -pl "services/$module,tools/kafka-dist" -am >&2
  mvn -B -ntp -q -pl "services/$module" test-compile >&2
  mvn -B -ntp -q -pl "services/$module" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/cp.txt" >&2
  echo "services/$module/target/test-classes:services/$module/target/classes:$(cat "$work/cp.txt")"
}
