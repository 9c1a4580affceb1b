"""The validation must fail on broken objects: a misspelled field, a wrong type, a bad enum value,
a violated CEL rule, an unknown Kafka config key. Each case mutates a valid rendered object."""
from __future__ import annotations

import copy

import pytest

from strict import validate_strimzi
from test_strimzi import _unknown


def _first(sites, kind):
    for site in sites:
        for obj in site.of_kind(kind):
            return copy.deepcopy(obj)
    raise AssertionError(f"no {kind} rendered")


def test_valid_objects_pass(sites, crds):
    # The baseline of every negative case below.
    for kind in ("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "KafkaBridge", "KafkaConnect", "KafkaConnector"):
        assert validate_strimzi(crds, _first(sites, kind)) == []


MUTATIONS = {
    "misspelled top-level spec field": ("Kafka", lambda o: o["spec"].__setitem__("kafak", o["spec"]["kafka"])),
    "misspelled nested field": ("Kafka", lambda o: o["spec"]["kafka"]["listeners"][0].__setitem__("tsl", True)),
    "misspelled listener authentication field": (
        "Kafka", lambda o: o["spec"]["kafka"]["listeners"][0]["authentication"].__setitem__("typ", "tls")),
    "wrong type (string replicas)": ("KafkaNodePool", lambda o: o["spec"].__setitem__("replicas", "three")),
    "wrong type (boolean port)": ("Kafka", lambda o: o["spec"]["kafka"]["listeners"][0].__setitem__("port", True)),
    "bad enum (listener type)": ("Kafka", lambda o: o["spec"]["kafka"]["listeners"][0].__setitem__("type", "plain")),
    "missing required field (bridge replicas)": ("KafkaBridge", lambda o: o["spec"].pop("replicas")),
    "misspelled ACL operation": (
        "KafkaUser", lambda o: o["spec"]["authorization"]["acls"][0]["operations"].append("Wrte")),
    "misspelled KafkaConnector field": ("KafkaConnector", lambda o: o["spec"].__setitem__("tasksMaximum", 1)),
    "missing required field (KafkaConnect groupId)": ("KafkaConnect", lambda o: o["spec"].pop("groupId")),
    "misspelled volume mount field": ("KafkaConnect", lambda o: o["spec"]["template"]["connectContainer"][
        "volumeMounts"][0].__setitem__("mountpath", "/mnt/x")),
    "CEL: renewalDays not below validityDays": ("KafkaUser", lambda o: o["spec"]["authentication"].update(
        validityDays=30, renewalDays=60)),
    "CEL: metrics config without valueFrom": ("Kafka", lambda o: o["spec"]["kafka"]["metricsConfig"].pop(
        "valueFrom")),
    "misspelled field inside a KafkaTopic": ("KafkaTopic", lambda o: o["spec"].__setitem__("partition", 3)),
}


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_broken_object_fails(sites, crds, case):
    kind, mutate = MUTATIONS[case]
    obj = _first(sites, kind)
    mutate(obj)
    assert validate_strimzi(crds, obj), f"{case}: the broken {kind} passed validation"


def test_unknown_broker_config_key_fails(kafka_config_names):
    assert _unknown({"log.retention.hour": 1}, kafka_config_names["broker"]) == ["log.retention.hour"]
    assert _unknown({"log.retention.hours": 1}, kafka_config_names["broker"]) == []


def test_the_generated_schema_alone_misses_a_typo(sites, crds):
    # Why the schemas are closed: as generated, Strimzi's schema accepts the misspelled field.
    from strict import schema_errors
    obj = _first(sites, "Kafka")
    obj["spec"]["kafak"] = {}
    crd = crds[("kafka.strimzi.io/v1", "Kafka")]
    assert schema_errors(crd.schema, obj) == []
    assert schema_errors(crd.strict_schema, obj) != []


def test_a_label_naming_no_kafka_fails(sites):
    from test_strimzi import cluster_label_errors
    objects = copy.deepcopy(sites[0].objects)
    topic = next(o for o in objects if o["kind"] == "KafkaTopic")
    topic["metadata"]["labels"]["strimzi.io/cluster"] = "edeg"
    assert cluster_label_errors(objects) != []


def test_an_acl_on_a_missing_topic_fails(edges):
    from conftest import Site
    from test_consistency import acl_topic_errors
    site = edges[0]
    broken = Site(site.inventory, site.name, site.directory, copy.deepcopy(site.objects))
    broken.named("KafkaUser", "bridge")["spec"]["authorization"]["acls"][0]["resource"]["name"] = "sensor-dat"
    assert acl_topic_errors(broken) != []


def test_an_unmounted_config_provider_reference_fails(edges):
    from conftest import Site
    from test_consistency import provider_reference_errors
    site = edges[0]
    broken = Site(site.inventory, site.name, site.directory, copy.deepcopy(site.objects))
    config = broken.of_kind("KafkaConnector")[0]["spec"]["config"]
    config["producer.override.ssl.keystore.key"] = config["producer.override.ssl.keystore.key"].replace(
        "/mnt/hq-client:", "/mnt/hq-clinet:")
    assert provider_reference_errors(broken) != []
