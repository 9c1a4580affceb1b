"""Conformance of the operator stand-in (TEST DOUBLE, standin.py): each behaviour its header claims
to model, against the real API server, in a namespace of its own."""
from __future__ import annotations

import base64

import kubernetes
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from conftest import established, wait_for
from envtest import strimzi_crd_documents
from standin import KAFKA_VERSION

NS = "conformance"
G, V = "kafka.strimzi.io", "v1"


@pytest.fixture(scope="module")
def cluster(clusters):
    c = clusters["brno"]
    c.core.create_namespace({"metadata": {"name": NS}})
    if not established(c, "kafkas.kafka.strimzi.io"):   # run alone, before any deploy installed them
        for crd in strimzi_crd_documents():
            c.ext.create_custom_resource_definition(crd)
        wait_for(lambda: established(c, "kafkas.kafka.strimzi.io") and established(c, "kafkaconnectors.kafka.strimzi.io"),
                 "Strimzi's CRDs")
    return c


def create(cluster, plural, body):
    body = {"apiVersion": f"{G}/{V}", **body}
    body["metadata"]["namespace"] = NS
    return cluster.custom.create_namespaced_custom_object(G, V, NS, plural, body)


def get(cluster, plural, name):
    return cluster.custom.get_namespaced_custom_object(G, V, NS, plural, name)


def ready(obj) -> str | None:
    return next((c["status"] for c in (obj.get("status") or {}).get("conditions", []) if c["type"] == "Ready"), None)


def secret_or_none(cluster, name):
    try:
        return {k: base64.b64decode(v) for k, v in cluster.core.read_namespaced_secret(name, NS).data.items()}
    except kubernetes.client.ApiException as e:
        assert e.status == 404
        return None


def kafka(name, listeners=None):
    return {"kind": "Kafka", "metadata": {"name": name}, "spec": {"kafka": {"version": KAFKA_VERSION, "listeners": listeners or [
        {"name": "tls", "port": 9093, "type": "internal", "tls": True}]}}}


def test_helm_chart_into_a_missing_namespace_fails_until_it_exists(cluster):
    chart = {"apiVersion": "helm.cattle.io/v1", "kind": "HelmChart",
             "metadata": {"name": "conformance-strimzi", "namespace": "kube-system"},
             "spec": {"chart": "strimzi-kafka-operator", "targetNamespace": "conformance-operator"}}
    cluster.custom.create_namespaced_custom_object("helm.cattle.io", "v1", "kube-system", "helmcharts", chart)

    def conditions():
        got = cluster.custom.get_namespaced_custom_object("helm.cattle.io", "v1", "kube-system", "helmcharts",
                                                          "conformance-strimzi")
        return {c["type"]: c for c in (got.get("status") or {}).get("conditions", [])}

    wait_for(lambda: "Failed" in conditions(), "the helm job to fail")
    assert 'namespaces "conformance-operator" not found' in conditions()["Failed"]["message"]
    cluster.core.create_namespace({"metadata": {"name": "conformance-operator"}})
    wait_for(lambda: "Failed" not in conditions(), "the helm job to succeed")
    deployment = cluster.apps.read_namespaced_deployment("strimzi-cluster-operator", "conformance-operator")
    assert {c.type: c.status for c in deployment.status.conditions}["Available"] == "True"
    cluster.custom.delete_namespaced_custom_object("helm.cattle.io", "v1", "kube-system", "helmcharts",
                                                   "conformance-strimzi")


def test_a_user_waits_for_its_kafka_then_gets_strimzis_secret(cluster):
    create(cluster, "kafkausers", {"kind": "KafkaUser", "metadata": {"name": "alice", "labels": {
        "strimzi.io/cluster": "c1"}}, "spec": {"authentication": {"type": "tls"}}})
    import time
    time.sleep(1.5)   # several reconciliations
    assert ready(get(cluster, "kafkausers", "alice")) is None and secret_or_none(cluster, "alice") is None
    create(cluster, "kafkas", kafka("c1"))
    wait_for(lambda: ready(get(cluster, "kafkausers", "alice")) == "True", "the user to become ready")
    user = get(cluster, "kafkausers", "alice")
    assert user["status"]["username"] == "CN=alice" and user["status"]["secret"] == "alice"
    data = secret_or_none(cluster, "alice")
    assert set(data) == {"ca.crt", "user.crt", "user.key", "user.p12", "user.password"}
    clients_ca = secret_or_none(cluster, "c1-clients-ca-cert")
    assert set(clients_ca) == {"ca.crt", "ca.p12", "ca.password"} and data["ca.crt"] == clients_ca["ca.crt"]
    assert set(secret_or_none(cluster, "c1-cluster-ca-cert")) == {"ca.crt", "ca.p12", "ca.password"}
    cert = x509.load_pem_x509_certificate(data["user.crt"])
    cert.verify_directly_issued_by(x509.load_pem_x509_certificate(clients_ca["ca.crt"]))
    assert data["user.key"].startswith(b"-----BEGIN PRIVATE KEY-----")   # unencrypted PKCS#8
    key = serialization.load_pem_private_key(data["user.key"], None)
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()
    p12 = pkcs12.load_pkcs12(data["user.p12"], data["user.password"])
    assert p12.cert.certificate == cert
    truststore = pkcs12.load_pkcs12(clients_ca["ca.p12"], clients_ca["ca.password"])
    assert [c.certificate for c in truststore.additional_certs] == [x509.load_pem_x509_certificate(clients_ca["ca.crt"])]


def test_a_user_secret_is_kept_across_changes_and_reissued_when_deleted(cluster):
    before = secret_or_none(cluster, "alice")
    user = get(cluster, "kafkausers", "alice")
    user["spec"]["quotas"] = {"producerByteRate": 1024}
    cluster.custom.replace_namespaced_custom_object(G, V, NS, "kafkausers", "alice", user)
    wait_for(lambda: get(cluster, "kafkausers", "alice")["status"]["observedGeneration"] == 2, "the new generation")
    assert secret_or_none(cluster, "alice") == before
    cluster.core.delete_namespaced_secret("alice", NS)
    wait_for(lambda: secret_or_none(cluster, "alice") is not None, "the secret to be reissued")
    assert secret_or_none(cluster, "alice")["user.crt"] != before["user.crt"]


def test_kafka_status_names_each_listener_address(cluster):
    create(cluster, "kafkas", kafka("c2", [
        {"name": "tls", "port": 9093, "type": "internal", "tls": True},
        {"name": "external", "port": 9094, "type": "nodeport", "tls": True, "configuration": {
            "bootstrap": {"nodePort": 32100}, "brokers": [{"broker": 0, "advertisedHost": "kafka.example.net"}]}}]))
    wait_for(lambda: ready(get(cluster, "kafkas", "c2")) == "True", "the Kafka to become ready")
    listeners = {entry["name"]: entry for entry in get(cluster, "kafkas", "c2")["status"]["listeners"]}
    assert listeners["tls"]["bootstrapServers"] == f"c2-kafka-bootstrap.{NS}.svc:9093"
    assert listeners["external"]["addresses"] == [{"host": "kafka.example.net", "port": 32100}]
    assert listeners["external"]["certificates"] == [secret_or_none(cluster, "c2-cluster-ca-cert")["ca.crt"].decode()]


def test_a_connector_is_ready_only_with_its_connect_cluster(cluster):
    create(cluster, "kafkaconnectors", {"kind": "KafkaConnector", "metadata": {"name": "mirror", "labels": {
        "strimzi.io/cluster": "mm"}}, "spec": {"class": "org.apache.kafka.connect.mirror.MirrorSourceConnector",
                                               "tasksMax": 1}})
    wait_for(lambda: ready(get(cluster, "kafkaconnectors", "mirror")) == "False", "NotReady without its KafkaConnect")
    assert "does not exist" in get(cluster, "kafkaconnectors", "mirror")["status"]["conditions"][0]["message"]
    connect = {"kind": "KafkaConnect", "metadata": {"name": "mm"}, "spec": {
        "bootstrapServers": "c1-kafka-bootstrap:9093", "replicas": 1, "groupId": "mm", "configStorageTopic": "mm-configs",
        "offsetStorageTopic": "mm-offsets", "statusStorageTopic": "mm-status"}}
    create(cluster, "kafkaconnects", connect)
    wait_for(lambda: "annotation" in get(cluster, "kafkaconnectors", "mirror")["status"]["conditions"][0]["message"],
             "NotReady without use-connector-resources")
    got = get(cluster, "kafkaconnects", "mm")
    got["metadata"]["annotations"] = {"strimzi.io/use-connector-resources": "true"}
    cluster.custom.replace_namespaced_custom_object(G, V, NS, "kafkaconnects", "mm", got)
    wait_for(lambda: ready(get(cluster, "kafkaconnectors", "mirror")) == "True", "the connector to become ready")
    status = get(cluster, "kafkaconnectors", "mirror")["status"]["connectorStatus"]
    assert status["connector"]["state"] == "RUNNING" and [t["state"] for t in status["tasks"]] == ["RUNNING"]
