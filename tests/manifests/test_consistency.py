"""Cross-object consistency a schema cannot see: topics that clients use exist, ACLs cover exactly
what each client uses, every referenced Secret/ConfigMap is created by something, each edge's
MirrorMaker 2 (KafkaConnect + KafkaConnector) matches what HQ issued for that site, and every
config-provider reference in the connector resolves to a mounted Secret key."""
from __future__ import annotations

import re

from conftest import ROOT


def acls(user):
    return [(a["resource"]["type"], a["resource"]["name"], a["resource"].get("patternType", "literal"),
             frozenset(a["operations"])) for a in user["spec"]["authorization"]["acls"]]


def topic_names(site):
    return {t["spec"].get("topicName", t["metadata"]["name"]) for t in site.of_kind("KafkaTopic")}


def env_of(deployment):
    return {e["name"]: e.get("value") for c in deployment["spec"]["template"]["spec"]["containers"]
            for e in c.get("env", [])}


def test_no_super_users_and_no_plain_listener(sites):
    for site in sites:
        for kafka in site.of_kind("Kafka"):
            spec = kafka["spec"]["kafka"]
            assert spec["authorization"]["type"] == "simple"
            assert not spec["authorization"].get("superUsers"), f"{site}: super users {spec['authorization']}"
            for listener in spec["listeners"]:
                assert listener["tls"] is True and listener["authentication"]["type"] == "tls", \
                    f"{site}: listener {listener['name']} is not mTLS"


def acl_topic_errors(site):
    topics = topic_names(site)
    return [f"KafkaUser {u['metadata']['name']}: topic {name} is no KafkaTopic"
            for u in site.of_kind("KafkaUser") for kind, name, pattern, _ in acls(u)
            if kind == "topic" and pattern == "literal" and name not in topics]


def test_every_literal_topic_in_an_acl_exists(sites):
    for site in sites:
        assert acl_topic_errors(site) == [], str(site)


def test_bridge_user_may_only_produce_raw_readings(edges):
    for site in edges:
        assert acls(site.named("KafkaUser", "bridge")) == [
            ("topic", "sensor-data", "literal", frozenset({"Write", "Describe"}))]


def test_aggregator_acls_cover_exactly_its_topics(edges):
    for site in edges:
        env = env_of(site.named("Deployment", "aggregator"))
        used = {env["AGGREGATOR_TOPICS_RAW"]: {"Read", "Describe"},
                env["AGGREGATOR_TOPICS_AGGREGATED"]: {"Write", "Describe"},
                env["AGGREGATOR_TOPICS_DLQ"]: {"Write", "Describe"}}
        granted = {name: set(ops) for kind, name, pattern, ops in acls(site.named("KafkaUser", "aggregator"))
                   if kind == "topic" and pattern == "literal"}
        assert granted == used, f"{site}"
        assert used.keys() <= topic_names(site)
        app_id = env["AGGREGATOR_KAFKA_APPLICATION_ID"]
        prefixed = {(kind, name) for kind, name, pattern, _ in acls(site.named("KafkaUser", "aggregator"))
                    if pattern == "prefix"}
        # Streams names its internal topics and its exactly-once transactional ids <application.id>-…
        assert prefixed == {("topic", app_id + "-"), ("transactionalId", app_id + "-")}, f"{site}"


def test_aggregator_env_names_are_documented_by_the_service(edges):
    readme = (ROOT / "services" / "aggregator" / "README.md").read_text()
    documented = set(re.findall(r"`(AGGREGATOR_[A-Z_]+|JAVA_TOOL_OPTIONS)`", readme))
    for site in edges:
        unknown = set(env_of(site.named("Deployment", "aggregator"))) - documented
        assert not unknown, f"{site}: aggregator env not in services/aggregator/README.md: {sorted(unknown)}"


def test_frontend_env_names_are_documented_by_the_service(hq):
    readme = (ROOT / "services" / "frontend" / "README.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z_]+)`", readme)) | {"POD_NAME"}
    unknown = set(env_of(hq.named("Deployment", "frontend"))) - documented
    assert not unknown, f"frontend env not in services/frontend/README.md: {sorted(unknown)}"


def test_aggregator_follows_the_pipeline_contract(edges):
    for site in edges:
        env = env_of(site.named("Deployment", "aggregator"))
        assert env["AGGREGATOR_SITE"] == site.name
        assert env["AGGREGATOR_KAFKA_SECURITY_PROTOCOL"] == "SSL"
        partitions = {t["spec"]["partitions"] for t in site.of_kind("KafkaTopic")
                      if t["spec"]["topicName"] == env["AGGREGATOR_TOPICS_RAW"]}
        assert partitions and site.named("Deployment", "aggregator")["spec"]["replicas"] <= min(partitions)


def test_every_referenced_secret_is_created(sites):
    for site in sites:
        created = {s["metadata"]["name"] for s in site.of_kind("Secret")}
        created |= {u["metadata"]["name"] for u in site.of_kind("KafkaUser")}  # User Operator
        created |= {f"{k['metadata']['name']}-cluster-ca-cert" for k in site.of_kind("Kafka")}  # Cluster Operator
        referenced = set()

        def walk(node):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("secretName",) and isinstance(value, str):
                        referenced.add(value)
                    elif key == "secretKeyRef":
                        referenced.add(value["name"])
                    else:
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        for obj in site.objects:
            if obj["kind"] not in ("Ingress",):  # Ingress TLS secrets come from cert-manager or the operator
                walk(obj.get("spec", {}))
        assert referenced, f"{site}: no secret references found"
        assert referenced <= created, f"{site}: referenced but never created: {sorted(referenced - created)}"


def test_every_referenced_configmap_exists(sites):
    for site in sites:
        maps = {c["metadata"]["name"] for c in site.objects if c["kind"] == "ConfigMap"}
        for obj in site.objects:
            ref = obj.get("spec", {}).get("metricsConfig") or obj.get("spec", {}).get("kafka", {}).get("metricsConfig")
            if ref:
                assert ref["valueFrom"]["configMapKeyRef"]["name"] in maps, f"{site} {obj['kind']}"


def test_bridge_nodeport_selects_the_bridge_pods(edges):
    for site in edges:
        bridge = site.of_kind("KafkaBridge")[0]["metadata"]["name"]
        service = next(s for s in site.of_kind("Service") if s["spec"].get("type") == "NodePort")
        assert service["spec"]["selector"] == {"strimzi.io/kind": "KafkaBridge", "strimzi.io/name": f"{bridge}-bridge"}
        assert service["spec"]["ports"][0]["targetPort"] == site.of_kind("KafkaBridge")[0]["spec"]["http"]["port"]


def unescaped(pattern: str) -> str:
    """The topic named by a connector's `topics` (a regex with escaped literal characters)."""
    return pattern.replace("\\", "")


def mirror(site):
    """(KafkaConnect, KafkaConnector config) of an edge's MirrorMaker 2."""
    connector = site.of_kind("KafkaConnector")
    assert len(connector) == 1 and len(site.of_kind("KafkaConnect")) == 1, f"{site}"
    assert connector[0]["spec"]["class"] == "org.apache.kafka.connect.mirror.MirrorSourceConnector"
    return site.of_kind("KafkaConnect")[0], connector[0]["spec"]["config"]


def test_each_edge_mirrors_to_what_hq_issued(hq, edges):
    hq_kafka = hq.of_kind("Kafka")[0]
    external = next(l for l in hq_kafka["spec"]["kafka"]["listeners"] if l["name"] == "external")
    host = external["configuration"]["brokers"][0]["advertisedHost"]
    bootstrap = f"{host}:{external['configuration']['bootstrap']['nodePort']}"
    assert host in external["configuration"]["bootstrap"]["alternativeNames"]
    hq_topics = topic_names(hq)
    for site in edges:
        _, config = mirror(site)
        assert config["source.cluster.alias"] == site.name, "source alias must be the site name"
        assert config.get("replication.policy.class", "org.apache.kafka.connect.mirror.DefaultReplicationPolicy") \
            == "org.apache.kafka.connect.mirror.DefaultReplicationPolicy"
        # Both HQ clients of the connector: the admin client and the (overridden) producer of the records.
        assert config["target.cluster.bootstrap.servers"] == bootstrap
        assert config["producer.override.bootstrap.servers"] == bootstrap
        mirrored = f"{site.name}.{unescaped(config['topics'])}"
        assert mirrored in hq_topics, f"HQ has no KafkaTopic {mirrored}"
        # Exactly its own mirrored topic: written by the producer, found (or created) by the admin client.
        assert acls(hq.named("KafkaUser", f"edge-{site.name}")) == [
            ("topic", mirrored, "literal", frozenset({"Write", "Describe", "Create"}))]


def test_hq_holds_no_connect_state(hq):
    """No Connect group or internal topic at HQ: MirrorMaker 2's coordination stays at each edge."""
    assert not [t for t in topic_names(hq) if t.startswith("mm2") or "connect" in t]
    for user in hq.of_kind("KafkaUser"):
        if user["metadata"]["name"].startswith("edge-"):
            assert not [a for a in acls(user) if a[0] == "group" or a[2] == "prefix"], user["metadata"]["name"]


def test_connect_state_and_its_acls_live_at_the_edge(edges):
    for site in edges:
        connect, config = mirror(site)
        spec = connect["spec"]
        env = env_of(site.named("Deployment", "aggregator"))
        assert spec["bootstrapServers"] == env["AGGREGATOR_KAFKA_BOOTSTRAP_SERVERS"] == \
            config["source.cluster.bootstrap.servers"], "the worker and the source are the edge Kafka"
        storage = {spec[k] for k in ("configStorageTopic", "offsetStorageTopic", "statusStorageTopic")}
        assert len(storage) == 3 and storage <= topic_names(site), f"{site}: {storage - topic_names(site)}"
        for topic in site.of_kind("KafkaTopic"):
            if topic["spec"]["topicName"] in storage:
                assert topic["spec"]["config"]["cleanup.policy"] == "compact"
        # The worker's KafkaUser: exactly its group, the topics named after it (its three storage
        # topics, by prefix) and reading the mirrored topic.
        user = site.named("KafkaUser", spec["authentication"]["certificateAndKey"]["secretName"])
        source = unescaped(config["topics"])
        group = spec["groupId"]
        assert all(t.startswith(group + "-") for t in storage), f"{site}: {storage} not under {group}-"
        expected = {("group", group, "literal", frozenset({"Read", "Describe"})),
                    ("topic", source, "literal", frozenset({"Read", "Describe", "DescribeConfigs"})),
                    ("topic", group + "-", "prefix", frozenset({"Read", "Write", "Describe", "DescribeConfigs"}))}
        assert set(acls(user)) == expected, f"{site}: {set(acls(user)) ^ expected}"
        # The connector's own source clients authenticate as that same user.
        assert config["source.cluster.ssl.keystore.key"].endswith(":user.key}")
        assert config["source.consumer.isolation.level"] == "read_committed"
        assert config["emit.offset-syncs.enabled"] is False
        # No loss across a WAN outage: never expire a record, never lose one to a leader change.
        assert config["producer.override.acks"] == "all"
        assert config["producer.override.enable.idempotence"] is True
        assert config["producer.override.delivery.timeout.ms"] == 2147483647


PROVIDER_REF = re.compile(r"\$\{([a-z0-9]+):([^:}]+):([^}]+)\}")
# Keys of the Secrets the operators create (KafkaUser: User Operator; <kafka>-cluster-ca-cert: Cluster Operator).
OPERATOR_SECRET_KEYS = {"KafkaUser": {"user.crt", "user.key", "user.p12", "user.password", "ca.crt"},
                        "Kafka": {"ca.crt", "ca.p12", "ca.password"}}


def provider_reference_errors(site):
    """Every ${provider:/path:key} of a connector must resolve in the Connect pod: a provider the worker
    defines whose allowed paths include the path, a volume mounted there from a Secret whose items
    project the key, and a Secret that has that key."""
    errors = []
    secrets = {s["metadata"]["name"]: set(s.get("data", {})) for s in site.of_kind("Secret")}
    secrets |= {u["metadata"]["name"]: OPERATOR_SECRET_KEYS["KafkaUser"] for u in site.of_kind("KafkaUser")}
    secrets |= {f"{k['metadata']['name']}-cluster-ca-cert": OPERATOR_SECRET_KEYS["Kafka"] for k in site.of_kind("Kafka")}
    connects = {c["metadata"]["name"]: c for c in site.of_kind("KafkaConnect")}
    for connector in site.of_kind("KafkaConnector"):
        connect = connects[connector["metadata"]["labels"]["strimzi.io/cluster"]]
        worker = connect["spec"]["config"]
        template = connect["spec"].get("template", {})
        volumes = {v["name"]: v for v in template.get("pod", {}).get("volumes", [])}
        mounts = {m["mountPath"]: m["name"] for m in template.get("connectContainer", {}).get("volumeMounts", [])}
        for key, value in connector["spec"]["config"].items():
            for provider, path, item in PROVIDER_REF.findall(str(value)):
                where = f"{connector['metadata']['name']} {key}"
                if provider not in str(worker.get("config.providers", "")).split(","):
                    errors.append(f"{where}: provider {provider} not defined by the worker")
                    continue
                allowed = str(worker.get(f"config.providers.{provider}.param.allowed.paths", "")).split(",")
                if path not in allowed:
                    errors.append(f"{where}: {path} not in the allowed paths {allowed}")
                if path not in mounts:
                    errors.append(f"{where}: nothing is mounted at {path}")
                    continue
                secret = volumes[mounts[path]].get("secret", {})
                items = {i["path"]: i["key"] for i in secret.get("items", [])}
                if items and item not in items:
                    errors.append(f"{where}: volume {mounts[path]} does not project {item}")
                elif secret.get("secretName") not in secrets:
                    errors.append(f"{where}: Secret {secret.get('secretName')} is created by nothing")
                elif items.get(item, item) not in secrets[secret["secretName"]]:
                    errors.append(f"{where}: Secret {secret['secretName']} has no key {items.get(item, item)}")
    return errors


def test_every_config_provider_reference_resolves_to_a_mounted_secret(edges):
    for site in edges:
        assert site.of_kind("KafkaConnector")
        assert provider_reference_errors(site) == [], str(site)
        mounts = [m["mountPath"] for m in site.of_kind("KafkaConnect")[0]["spec"]["template"]["connectContainer"][
            "volumeMounts"]]
        assert all(m.startswith("/mnt/") for m in mounts), f"{site}: Strimzi wants additional mounts under /mnt"


def test_frontend_reads_every_mirrored_topic(hq, edges):
    env = env_of(hq.named("Deployment", "frontend"))
    pattern = re.compile(env["KAFKA_TOPICS"])
    readable = {n for k, n, p, ops in acls(hq.named("KafkaUser", "frontend")) if k == "topic" and "Read" in ops}
    mirrored = {f"{s.name}.sensor-data-aggregated" for s in edges}
    assert mirrored <= readable
    assert all(pattern.fullmatch(t) for t in mirrored)
    group_acls = [(n, p) for k, n, p, _ in acls(hq.named("KafkaUser", "frontend")) if k == "group"]
    assert any(env["KAFKA_GROUP"].startswith(n) for n, p in group_acls if p == "prefix")


def test_bridge_nodeport_is_the_port_the_wifi_ap_opens(edges):
    """The AP firewall (roles/wifi_ap, wifi_ap_bridge_port) must allow exactly the bridge's NodePort."""
    import yaml
    for site in edges:
        wifi = ROOT / "inventory" / site.inventory / "group_vars" / site.name / "wifi_ap.yml"
        if not wifi.is_file():
            continue
        port = yaml.safe_load(wifi.read_text())["wifi_ap_bridge_port"]
        service = next(s for s in site.of_kind("Service") if s["spec"].get("type") == "NodePort")
        assert service["spec"]["ports"][0]["nodePort"] == port, f"{site}"
