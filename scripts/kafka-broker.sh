#!/usr/bin/env bash
# A throw-away single-node KRaft broker from the Kafka jars in build/kafka/libs, for smoke tests
# and benchmarks (the local mode runs its brokers through Ansible and a supervisor instead).
#   scripts/kafka-broker.sh start DIR PORT   # formats DIR on first use, waits until ready
#   scripts/kafka-broker.sh stop DIR         # SIGTERM, waits for a clean stop
# With KAFKA_BROKER_SSL_KEYSTORE, KAFKA_BROKER_SSL_TRUSTSTORE (PKCS12) and KAFKA_BROKER_SSL_PASSWORD
# set, the listener is SSL and requires client certificates (mutual TLS). KAFKA_BROKER_PROPERTIES:
# more server.properties lines, appended (a key given again there wins).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIBS=${KAFKA_LIBS:-$ROOT/build/kafka/libs}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

usage() { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
cmd=$1 dir=$(mkdir -p "$2" && cd "$2" && pwd)

case $cmd in
start)
  [[ $# -eq 3 ]] || usage
  port=$3 controller=$(( $3 + 1 ))
  [[ -d $LIBS ]] || { echo "no Kafka jars in $LIBS: run 'mvn -pl tools/kafka-dist install'" >&2; exit 1; }
  # A port inside the kernel's ephemeral range can be handed to a client as its own source port:
  # a reconnect to a broker that is down then connects to itself and holds the broker's port.
  read -r eph_lo eph_hi < /proc/sys/net/ipv4/ip_local_port_range
  for p in "$port" "$controller"; do
    if (( p >= eph_lo && p <= eph_hi )); then
      echo "port $p is inside the ephemeral port range $eph_lo-$eph_hi (net.ipv4.ip_local_port_range): choose one below $eph_lo" >&2
      exit 1
    fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "port $p is in use" >&2; exit 1; fi
  done
  protocol=PLAINTEXT ssl=
  if [[ -n ${KAFKA_BROKER_SSL_KEYSTORE:-} ]]; then
    protocol=SSL
    ssl="ssl.client.auth=required
ssl.keystore.type=PKCS12
ssl.keystore.location=$KAFKA_BROKER_SSL_KEYSTORE
ssl.keystore.password=${KAFKA_BROKER_SSL_PASSWORD:?KAFKA_BROKER_SSL_PASSWORD must be set with the keystore}
ssl.truststore.type=PKCS12
ssl.truststore.location=${KAFKA_BROKER_SSL_TRUSTSTORE:?KAFKA_BROKER_SSL_TRUSTSTORE must be set with the keystore}
ssl.truststore.password=$KAFKA_BROKER_SSL_PASSWORD"
  fi
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller
listeners=$protocol://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=$protocol://127.0.0.1:$port
inter.broker.listener.name=$protocol
controller.listener.names=CONTROLLER
listener.security.protocol.map=$protocol:$protocol,CONTROLLER:PLAINTEXT
$ssl
log.dirs=$dir/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
${KAFKA_BROKER_PROPERTIES:-}
PROPS
  cat > "$dir/log4j2.yaml" <<'LOG'
Configuration:
  Appenders:
    Console: {name: STDERR, target: SYSTEM_ERR, PatternLayout: {pattern: "%d %p %c{1}: %m%n"}}
  Loggers:
    Root: {level: WARN, AppenderRef: [{ref: STDERR}]}
LOG
  jvm=(-Xms256m -Xmx1g -Dlog4j2.configurationFile="$dir/log4j2.yaml" -cp "$LIBS/*")
  if [[ ! -f $dir/data/meta.properties ]]; then
    "$JAVA" "${jvm[@]}" kafka.tools.StorageTool format --standalone -t "$("$JAVA" "${jvm[@]}" kafka.tools.StorageTool random-uuid)" \
      -c "$dir/server.properties" >"$dir/format.log" 2>&1
  fi
  nohup "$JAVA" "${jvm[@]}" kafka.Kafka "$dir/server.properties" >"$dir/broker.log" 2>&1 &
  echo $! > "$dir/broker.pid"
  for _ in $(seq 1 120); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "broker ready on 127.0.0.1:$port"; exit 0; fi
    kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null || { echo "broker died:" >&2; tail -20 "$dir/broker.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "broker not ready after 60 s" >&2; exit 1
  ;;
stop)
  [[ -f $dir/broker.pid ]] || exit 0
  pid=$(cat "$dir/broker.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$dir/broker.pid"; exit 0; }; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true; rm -f "$dir/broker.pid"
  ;;
*) usage ;;
esac
