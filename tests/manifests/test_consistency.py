"""Cross-object consistency a schema cannot see: topics that clients use exist, ACLs cover exactly
what each client uses, every referenced Secret/ConfigMap is created by something, and each edge's
MirrorMaker 2 matches what HQ issued for that site."""
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
        assert prefixed == {("topic", app_id + "-"), ("transactionalId", app_id)}, f"{site}"


def test_aggregator_env_names_are_documented_by_the_service(edges):
    readme = (ROOT / "services" / "aggregator" / "README.md").read_text()
    documented = set(re.findall(r"`(AGGREGATOR_[A-Z_]+)`", readme))
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


def test_each_edge_mirrors_to_what_hq_issued(hq, edges):
    hq_kafka = hq.of_kind("Kafka")[0]
    external = next(l for l in hq_kafka["spec"]["kafka"]["listeners"] if l["name"] == "external")
    host = external["configuration"]["brokers"][0]["advertisedHost"]
    bootstrap = f"{host}:{external['configuration']['bootstrap']['nodePort']}"
    assert host in external["configuration"]["bootstrap"]["alternativeNames"]
    hq_topics = topic_names(hq)
    for site in edges:
        mm2 = site.of_kind("KafkaMirrorMaker2")[0]["spec"]
        mirror = mm2["mirrors"][0]
        assert mirror["source"]["alias"] == site.name, "source alias must be the site name"
        assert mm2["target"]["bootstrapServers"] == bootstrap
        mirrored = f"{site.name}.{mirror['topicsPattern']}"
        assert mirrored in hq_topics, f"HQ has no KafkaTopic {mirrored}"
        user = hq.named("KafkaUser", f"edge-{site.name}")
        granted = acls(user)
        # Exactly: its own mirrored topic, its Connect internal topics (prefix) and group.
        group = mm2["target"]["groupId"]
        assert {(k, n, p) for k, n, p, _ in granted} == {
            ("topic", mirrored, "literal"), ("topic", f"{group}-", "prefix"), ("group", group, "literal")}
        for storage in ("configStorageTopic", "offsetStorageTopic", "statusStorageTopic"):
            assert mm2["target"][storage].startswith(f"{group}-") and mm2["target"][storage] in hq_topics
        # Other sites' topics are out of reach.
        for other in edges:
            if other.name != site.name:
                assert all(other.name + "." not in n for _, n, _, _ in granted)
        # The edge-side MM2 user reads exactly the mirrored topic.
        source_user = site.named("KafkaUser", mirror["source"]["authentication"]["certificateAndKey"]["secretName"])
        reads = {n for k, n, p, ops in acls(source_user) if "Read" in ops and k == "topic"}
        assert mirror["topicsPattern"] in reads


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
