"""Every rendered Strimzi object against the strict Strimzi 1.2 CRD schemas + their CEL rules, and
the checks JSON Schema cannot express: strimzi.io/cluster labels, Kafka config keys."""
from __future__ import annotations

import pytest

from strict import STRIMZI_GROUP, cel_rule_count, validate_strimzi

# Options Strimzi manages itself and rejects in `config` (Strimzi docs, "forbidden options").
FORBIDDEN_BROKER_PREFIXES = (
    "listeners", "advertised.", "broker.", "listener.", "host.name", "port", "inter.broker.listener.name",
    "sasl.", "ssl.", "security.", "password.", "log.dir", "zookeeper.", "authorizer.", "super.user",
    "node.id", "process.roles", "controller.", "metadata.log.dir", "cruise.control.metrics.",
)
FORBIDDEN_CLIENT_PREFIXES = ("ssl.", "sasl.", "security.", "bootstrap.servers", "group.id", "key.", "value.")
# KafkaConnect spec.config: Strimzi renders these itself (v1: group and storage topics are spec fields);
# config.providers is allowed (Strimzi appends its own providers to the user's).
FORBIDDEN_CONNECT_PREFIXES = FORBIDDEN_CLIENT_PREFIXES[:4] + (
    "listeners", "plugin.path", "rest.", "group.id", "config.storage.topic", "offset.storage.topic",
    "status.storage.topic")
# Client-config prefixes a MirrorSourceConnector configuration may carry, and whose names follow them.
MIRROR_CLIENT_PREFIXES = {
    "producer.override.": ("producer",),
    "source.cluster.": ("admin", "consumer", "producer"),
    "target.cluster.": ("admin", "consumer", "producer"),
    "source.consumer.": ("consumer",),
    "source.admin.": ("admin",),
    "target.admin.": ("admin",),
}


def strimzi_objects(sites):
    return [(site, o) for site in sites for o in site.objects if o["apiVersion"].startswith(STRIMZI_GROUP)]


def test_every_strimzi_kind_is_rendered(sites):
    kinds = {o["kind"] for _, o in strimzi_objects(sites)}
    assert kinds == {"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "KafkaBridge", "KafkaConnect", "KafkaConnector"}


def test_strimzi_objects_use_only_the_v1_api(sites):
    assert {o["apiVersion"] for _, o in strimzi_objects(sites)} == {"kafka.strimzi.io/v1"}


def test_the_generated_crds_carry_cel_rules(crds):
    # Guards the CEL test below against silently checking nothing.
    assert sum(cel_rule_count(c.schema) for c in crds.values()) >= 10


def test_strimzi_objects_are_valid(sites, crds):
    failures = []
    for site, obj in strimzi_objects(sites):
        for error in validate_strimzi(crds, obj):
            failures.append(f"{site} {obj['kind']}/{obj['metadata']['name']}: {error}")
    assert not failures, "\n".join(failures)


def cluster_label_errors(objects):
    """strimzi.io/cluster of every KafkaNodePool/KafkaTopic/KafkaUser must name a Kafka in its namespace."""
    kafkas = {(o["metadata"]["namespace"], o["metadata"]["name"]) for o in objects if o["kind"] == "Kafka"}
    return [f"{o['kind']}/{o['metadata']['name']}: strimzi.io/cluster="
            f"{o['metadata'].get('labels', {}).get('strimzi.io/cluster')!r} names no Kafka"
            for o in objects if o["kind"] in ("KafkaNodePool", "KafkaTopic", "KafkaUser")
            and (o["metadata"]["namespace"], o["metadata"].get("labels", {}).get("strimzi.io/cluster")) not in kafkas]


def test_cluster_labels_name_a_kafka_of_the_same_site(sites):
    for site in sites:
        assert any(o["kind"] == "KafkaTopic" for o in site.objects)
        assert cluster_label_errors(site.objects) == [], str(site)


def test_each_connector_names_a_kafkaconnect_that_accepts_connector_resources(edges):
    for site in edges:
        connects = {(c["metadata"]["namespace"], c["metadata"]["name"]): c for c in site.of_kind("KafkaConnect")}
        assert site.of_kind("KafkaConnector"), f"{site}: no KafkaConnector"
        for connector in site.of_kind("KafkaConnector"):
            key = (connector["metadata"]["namespace"], connector["metadata"]["labels"].get("strimzi.io/cluster"))
            assert key in connects, f"{site}: KafkaConnector {connector['metadata']['name']} names no KafkaConnect"
            annotations = connects[key]["metadata"].get("annotations", {})
            assert annotations.get("strimzi.io/use-connector-resources") == "true", f"{site}: {key}"


def test_every_kafka_has_a_broker_and_controller_pool(sites):
    for site in sites:
        for kafka in site.of_kind("Kafka"):
            pools = [p for p in site.of_kind("KafkaNodePool")
                     if p["metadata"]["labels"]["strimzi.io/cluster"] == kafka["metadata"]["name"]]
            roles = {r for p in pools for r in p["spec"]["roles"]}
            assert roles == {"controller", "broker"}, f"{site}: node pools of {kafka['metadata']['name']}: {roles}"


def _unknown(keys, names, forbidden=()):
    return sorted(k for k in keys if k not in names or k.startswith(forbidden))


def test_kafka_broker_config_keys_are_real_and_allowed(sites, kafka_config_names):
    for site in sites:
        for kafka in site.of_kind("Kafka"):
            bad = _unknown(kafka["spec"]["kafka"].get("config", {}), kafka_config_names["broker"],
                           FORBIDDEN_BROKER_PREFIXES)
            assert not bad, f"{site} Kafka {kafka['metadata']['name']}: unknown or Strimzi-managed keys {bad}"


def test_kafka_version_is_the_one_whose_configs_were_checked(sites, kafka_config_names):
    for site in sites:
        versions = {k["spec"]["kafka"]["version"] for k in site.of_kind("Kafka")}
        versions |= {c["spec"]["version"] for c in site.of_kind("KafkaConnect")}
        assert versions == kafka_config_names["version"], f"{site}: {versions}"


def test_topic_config_keys_are_real(sites, kafka_config_names):
    for site in sites:
        for topic in site.of_kind("KafkaTopic"):
            bad = _unknown(topic["spec"].get("config", {}), kafka_config_names["topic"])
            assert not bad, f"{site} KafkaTopic {topic['metadata']['name']}: unknown keys {bad}"


def test_bridge_client_config_keys_are_real(sites, kafka_config_names):
    for site in sites:
        for bridge in site.of_kind("KafkaBridge"):
            for part, names in (("producer", "producer"), ("consumer", "consumer"), ("adminClient", "admin")):
                keys = bridge["spec"].get(part, {}).get("config", {})
                bad = _unknown(keys, kafka_config_names[names], FORBIDDEN_CLIENT_PREFIXES)
                assert not bad, f"{site} KafkaBridge {part}: unknown or Strimzi-managed keys {bad}"


def _connect_key_ok(key: str, names: dict[str, set[str]]) -> bool:
    for prefix, kind in (("producer.", "producer"), ("consumer.", "consumer"), ("admin.", "admin")):
        if key.startswith(prefix) and key[len(prefix):] in names[kind]:
            return True
    return key in names["connect_worker"]


def test_connect_worker_config_keys_are_real_and_allowed(sites, kafka_config_names):
    for site in sites:
        for connect in site.of_kind("KafkaConnect"):
            config = connect["spec"].get("config", {})
            bad = sorted(k for k in config
                         if not (_connect_key_ok(k, kafka_config_names) or k.startswith("config.providers.")
                                 or k == "connector.client.config.override.allowlist")
                         or k.startswith(FORBIDDEN_CONNECT_PREFIXES))
            assert not bad, f"{site} KafkaConnect config: unknown or Strimzi-managed keys {bad}"


def _mirror_key_ok(key: str, names: dict[str, set[str]]) -> bool:
    if key in names["mirror_source"]:
        return True
    for prefix, kinds in MIRROR_CLIENT_PREFIXES.items():
        if key.startswith(prefix) and any(key[len(prefix):] in names[kind] for kind in kinds):
            return True
    return False


def test_mirror_source_connector_config_keys_are_real(sites, kafka_config_names):
    for site in sites:
        for connector in site.of_kind("KafkaConnector"):
            bad = sorted(k for k in connector["spec"].get("config", {}) if not _mirror_key_ok(k, kafka_config_names))
            assert not bad, f"{site} KafkaConnector {connector['metadata']['name']}: unknown keys {bad}"


def test_override_policy_allows_exactly_the_producer_overrides(sites):
    """The narrowest policy: the worker lets connectors override only the producer keys the connector sets."""
    for site in sites:
        for connect in site.of_kind("KafkaConnect"):
            config = connect["spec"]["config"]
            assert config["connector.client.config.override.policy"] == "Allowlist"
            allowed = set(config["connector.client.config.override.allowlist"].split(","))
            overridden = {k[len("producer.override."):] for c in site.of_kind("KafkaConnector")
                          for k in c["spec"]["config"] if k.startswith("producer.override.")}
            assert allowed == overridden, f"{site}: allowlist {sorted(allowed ^ overridden)}"
            assert not [k for c in site.of_kind("KafkaConnector") for k in c["spec"]["config"]
                        if k.startswith(("consumer.override.", "admin.override."))]
