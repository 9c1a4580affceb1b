#!/usr/bin/env bash
# The aggregator over mutual TLS, configured the way services/aggregator/README.md documents for a
# Strimzi KafkaUser: a real KRaft broker (build/kafka/libs) with an SSL listener that requires
# client certificates (scripts/kafka-broker.sh in its SSL mode), PKCS12 key/trust stores from a throw-away CA (keytool), and the aggregator
# jar configured only through AGGREGATOR_KAFKA_* environment variables. Without a client
# certificate it must fail (and exit 1); with one it must become ready, and SIGTERM must close it.
set -euo pipefail
WORK=$PWD/build/mtls
PORT=${MTLS_KAFKA_PORT:-23692}
HTTP=${MTLS_AGGREGATOR_PORT:-23592}
PASS=test-only-$RANDOM$RANDOM
LIBS="$PWD/build/kafka/libs/*"
agg_pid=

cleanup() {
  [[ -n $agg_pid ]] && kill "$agg_pid" 2>/dev/null && wait "$agg_pid" 2>/dev/null || true
  scripts/kafka-broker.sh stop "$WORK/broker" 2>/dev/null || true
}
trap cleanup EXIT

[[ -d build/kafka/libs ]] || mvn -B -ntp -q -DskipTests install -pl tools/kafka-dist
[[ -f services/aggregator/target/aggregator.jar ]] || mvn -B -ntp -q -DskipTests install -pl services/aggregator -am
rm -rf "$WORK" && mkdir -p "$WORK"

# A CA, and broker and user certificates signed by it (what Strimzi's cluster CA and KafkaUser give).
kt() { keytool "$@" >>"$WORK/keytool.log" 2>&1; }
kt -genkeypair -alias ca -keyalg RSA -keysize 2048 -dname CN=mtls-test-ca -ext bc:c -validity 2 \
  -keystore "$WORK/ca-key.p12" -storetype PKCS12 -storepass "$PASS"
kt -exportcert -alias ca -keystore "$WORK/ca-key.p12" -storepass "$PASS" -rfc -file "$WORK/ca.pem"
kt -importcert -alias ca -file "$WORK/ca.pem" -keystore "$WORK/ca.p12" -storetype PKCS12 -storepass "$PASS" -noprompt
for name in broker user; do
  kt -genkeypair -alias "$name" -keyalg RSA -keysize 2048 -dname "CN=$name" -validity 2 \
    -keystore "$WORK/$name.p12" -storetype PKCS12 -storepass "$PASS"
  kt -certreq -alias "$name" -keystore "$WORK/$name.p12" -storepass "$PASS" -file "$WORK/$name.csr"
  kt -gencert -alias ca -keystore "$WORK/ca-key.p12" -storepass "$PASS" -infile "$WORK/$name.csr" \
    -outfile "$WORK/$name.pem" -ext SAN=dns:localhost,ip:127.0.0.1 -validity 2
  kt -importcert -alias ca -file "$WORK/ca.pem" -keystore "$WORK/$name.p12" -storepass "$PASS" -noprompt
  kt -importcert -alias "$name" -file "$WORK/$name.pem" -keystore "$WORK/$name.p12" -storepass "$PASS"
done

cat > "$WORK/client.properties" <<PROPS
security.protocol=SSL
ssl.keystore.type=PKCS12
ssl.keystore.location=$WORK/user.p12
ssl.keystore.password=$PASS
ssl.truststore.type=PKCS12
ssl.truststore.location=$WORK/ca.p12
ssl.truststore.password=$PASS
PROPS
KAFKA_BROKER_SSL_KEYSTORE="$WORK/broker.p12" KAFKA_BROKER_SSL_TRUSTSTORE="$WORK/ca.p12" KAFKA_BROKER_SSL_PASSWORD="$PASS" \
  scripts/kafka-broker.sh start "$WORK/broker" "$PORT" >"$WORK/broker-start.log" 2>&1
for topic in sensor-data sensor-data-aggregated sensor-data-dlq; do
  java -cp "$LIBS" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" \
    --command-config "$WORK/client.properties" --create --topic "$topic" --partitions 1 --replication-factor 1 >/dev/null 2>>"$WORK/topics.log"
done

# aggregator STATE-DIR [extra environment...]: the jar with the documented mTLS variables
aggregator() {
  local state=$1; shift
  exec env SERVER_PORT="$HTTP" AGGREGATOR_SITE=mtls AGGREGATOR_KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$PORT" \
    AGGREGATOR_KAFKA_SECURITY_PROTOCOL=SSL AGGREGATOR_KAFKA_REPLICATION_FACTOR=1 \
    AGGREGATOR_KAFKA_SSL_TRUSTSTORE_LOCATION="$WORK/ca.p12" AGGREGATOR_KAFKA_SSL_TRUSTSTORE_PASSWORD="$PASS" \
    AGGREGATOR_KAFKA_STATE_DIR="$WORK/$state" "$@" \
    java -Xmx256m -jar services/aggregator/target/aggregator.jar
}
export -f aggregator
export WORK PORT HTTP PASS

rc=0
# Crash-only: authentication fails, Streams goes to ERROR, the process exits with status 1.
tests/junit.py run --out "$RESULTS_DIR" --name "aggregator without a client certificate fails authentication and exits 1" -- \
  bash -c 'status=0; timeout 120 bash -c "aggregator state-nocert" >"$WORK/aggregator-nocert.log" 2>&1 || status=$?
           [[ $status == 1 ]] && grep -q SslAuthenticationException "$WORK/aggregator-nocert.log"' || rc=1

aggregator state-mtls AGGREGATOR_KAFKA_SSL_KEYSTORE_LOCATION="$WORK/user.p12" \
  AGGREGATOR_KAFKA_SSL_KEYSTORE_PASSWORD="$PASS" >"$WORK/aggregator-mtls.log" 2>&1 &
agg_pid=$!
tests/junit.py run --out "$RESULTS_DIR" --name "aggregator with a PKCS12 KafkaUser keystore becomes ready over mTLS" -- \
  bash -c 'for i in $(seq 1 120); do
             [[ $(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$HTTP/observe/health/ready") == 200 ]] && exit 0
             sleep 1
           done; exit 1' || rc=1
# SIGTERM: the shutdown handler closes Streams (the last commit) and the JVM exits with 143 within
# the shutdown timeout (aggregator.shutdown.seconds, 30 s) plus a margin for a loaded machine.
# The exit status is the verdict: the "Kafka Streams closed" log line is only evidence, since
# JUL's own shutdown hook may drop lines logged by concurrent shutdown hooks.
kill -TERM "$agg_pid"
( sleep 75; jcmd "$agg_pid" Thread.print >"$WORK/aggregator-threads.txt" 2>&1; kill -9 "$agg_pid" ) 2>/dev/null &
watchdog=$!
agg_status=0
wait "$agg_pid" || agg_status=$?
kill "$watchdog" 2>/dev/null || true
tests/junit.py run --out "$RESULTS_DIR" --name "aggregator closes Kafka Streams on SIGTERM and exits (143)" -- \
  bash -c "grep -h 'Kafka Streams closed' '$WORK/aggregator-mtls.log' || echo 'no close line logged (JUL may have shut down first)'
           echo 'exit status $agg_status'; [[ $agg_status == 143 ]]" || rc=1
exit $rc
