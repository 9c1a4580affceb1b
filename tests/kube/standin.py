"""TEST DOUBLE: the operator stand-in of the envtest suite (tests/suites/47-kube.sh).

The real kube-apiserver (tests/kube/envtest.py) runs no controllers, and neither K3s' helm-controller
nor Strimzi's operators can run here (no nodes, no images). This stand-in does exactly what the
playbooks wait for or read, through the Kubernetes API, as one thread per cluster polling every
0.5 s; everything else about those objects is left to the real API server (schema, CEL rules,
defaulting, apply semantics, resourceVersions, status subresources).

Modelled behaviour (each pinned by tests/kube/test_standin.py):
- helm-controller, HelmChart `strimzi-kafka-operator` / `kube-prometheus-stack` in kube-system:
  after HELM_INSTALL_DELAY (the helm-install Job takes tens of seconds on K3s) installs the chart's
  CRDs — Strimzi's (tools/strimzi-schemas) or prometheus-operator's (tools/envtest/crds) — and, for
  Strimzi, the Deployment `strimzi-cluster-operator` in spec.targetNamespace with status
  Available=True. Status: jobName `helm-install-<name>`, condition JobCreated. A targetNamespace
  that does not exist (the chart is installed without --create-namespace) fails the "job":
  condition Failed=True with the reason, nothing installed, retried on every poll like the Job's
  back-off.
- Strimzi cluster operator, `Kafka`: on a new generation, creates the cluster and clients CAs with
  Strimzi's Secret names and keys — `<cluster>-cluster-ca-cert` / `<cluster>-clients-ca-cert`
  (ca.crt, ca.p12, ca.password) and `<cluster>-cluster-ca` / `<cluster>-clients-ca` (ca.key) —
  real RSA certificates, kept across reconciliations; then status: Ready=True, observedGeneration,
  clusterId, kafkaVersion, one `listeners` entry per spec listener (internal:
  `<cluster>-kafka-bootstrap.<ns>.svc:<port>`; nodeport: advertisedHost of broker 0 (or the
  bootstrap alternative name) and the bootstrap nodePort), with the cluster CA certificate.
  `KafkaNodePool`: nodeIds 0..replicas-1, roles, Ready.
- Strimzi user operator, `KafkaUser` with `strimzi.io/cluster` naming a Ready Kafka in its namespace
  and tls authentication: the Secret `<user>` (labels strimzi.io/kind=KafkaUser, strimzi.io/cluster)
  with `ca.crt` (clients CA), `user.crt` (CN=<user>, signed by the clients CA), `user.key`
  (unencrypted PKCS#8 PEM), `user.p12` (key + certificate + CA, password `user.password`) and
  `user.password`; status Ready, username `CN=<user>`, secret. The Secret is issued once and kept;
  a deleted Secret is reissued with a new certificate. A user of a missing or not-yet-Ready Kafka
  gets no status (the real entity operator does not exist before its Kafka).
- Strimzi topic operator, `KafkaTopic` of a Ready Kafka: Ready, topicName, topicId.
- `KafkaBridge`, `KafkaConnect`: Ready, url, replicas (KafkaConnect also lists the MirrorMaker 2
  connector plugins). `KafkaConnector`: Ready with connector and task state RUNNING when its
  `strimzi.io/cluster` KafkaConnect exists with annotation `strimzi.io/use-connector-resources:
  "true"` and is Ready; otherwise NotReady with the real operator's reason.

NOT modelled (only a real K3s with the real operators shows these): pods, brokers and listeners
that serve, ACLs in a broker, certificates that Kafka accepts for the hostnames it advertises, CA
and certificate renewal, rolling updates on spec change (the stand-in only bumps the status),
Strimzi's own spec checks beyond the CRD schema (e.g. a Kafka version the operator does not
support, node pool/replica consistency), helm chart templating (no Prometheus, Grafana or
Alertmanager objects; changed valuesContent does not upgrade anything), image pulls, and the
Deployment controller (Deployments other than the operator's get no status).
"""
from __future__ import annotations

import base64
import datetime
import re
import secrets
import string
import threading
import time
import traceback
import uuid
from pathlib import Path

import kubernetes
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from kubernetes.client.rest import ApiException

from envtest import crd_documents, strimzi_crd_documents

HELM_INSTALL_DELAY = 2.0
POLL = 0.5
GROUP, VERSION = "kafka.strimzi.io", "v1"
# The versions the real operator reports, from where the project defines them (pom.xml).
_POM = (Path(__file__).resolve().parents[2] / "pom.xml").read_text(encoding="utf-8")
STRIMZI_OPERATOR_VERSION = re.search(r"<strimzi.version>([^<]+)<", _POM).group(1)
KAFKA_VERSION = re.search(r"<kafka.version>([^<]+)<", _POM).group(1)
CHART_CRDS = {
    "strimzi-kafka-operator": strimzi_crd_documents,
    "kube-prometheus-stack": lambda: crd_documents("github.com/prometheus-operator/prometheus-operator"),
}
CONNECTOR_PLUGINS = [
    {"class": "org.apache.kafka.connect.mirror.MirrorSourceConnector", "type": "source", "version": KAFKA_VERSION},
    {"class": "org.apache.kafka.connect.mirror.MirrorCheckpointConnector", "type": "source", "version": KAFKA_VERSION},
    {"class": "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector", "type": "source", "version": KAFKA_VERSION},
]


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def condition(kind: str, status: str = "True", reason: str | None = None, message: str | None = None) -> dict:
    c = {"type": kind, "status": status, "lastTransitionTime": now()}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def password(length: int = 12) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


class Ca:
    """A certificate authority as Strimzi keeps it: certificate + key, PEM."""

    def __init__(self, cert: x509.Certificate, key):
        self.cert, self.key = cert, key

    @classmethod
    def create(cls, cn: str) -> "Ca":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "io.strimzi"),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(start)
                .not_valid_after(start + datetime.timedelta(days=365))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                             crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
                .sign(key, hashes.SHA256()))
        return cls(cert, key)

    @classmethod
    def load(cls, cert_pem: bytes, key_pem: bytes) -> "Ca":
        return cls(x509.load_pem_x509_certificate(cert_pem), serialization.load_pem_private_key(key_pem, None))

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())

    def truststore(self, secret: str) -> bytes:
        return pkcs12.serialize_key_and_certificates(b"ca.crt", None, None, [self.cert],
                                                     serialization.BestAvailableEncryption(secret.encode()))

    def issue(self, cn: str) -> tuple[bytes, bytes, x509.Certificate, object]:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
        cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
                .issuer_name(self.cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(start)
                .not_valid_after(start + datetime.timedelta(days=365))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .sign(self.key, hashes.SHA256()))
        pem = cert.public_bytes(serialization.Encoding.PEM)
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        return pem, key_pem, cert, key


class OperatorStandIn:
    """TEST DOUBLE of helm-controller + Strimzi's cluster, user and topic operators for one cluster."""

    def __init__(self, kubeconfig: str, name: str):
        self.name = name
        self.api = kubernetes.config.new_client_from_config(kubeconfig)
        self.core = kubernetes.client.CoreV1Api(self.api)
        self.apps = kubernetes.client.AppsV1Api(self.api)
        self.custom = kubernetes.client.CustomObjectsApi(self.api)
        self.ext = kubernetes.client.ApiextensionsV1Api(self.api)
        self.seen_charts: dict[str, float] = {}
        self.known_crds: set[str] = set()
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"standin-{name}", daemon=True)

    # ---- lifecycle ---------------------------------------------------------------------------
    def start(self) -> "OperatorStandIn":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.reconcile_once()
            except Exception:  # keep going like a controller; the test reads self.errors
                self.errors.append(traceback.format_exc())
                self.errors = self.errors[-20:]
            self._stop.wait(POLL)

    def reconcile_once(self) -> None:
        self.helm_charts()
        if not self._has_crd(f"kafkas.{GROUP}"):
            return
        kafkas = self._list("kafkas")
        ready = {(k["metadata"]["namespace"], k["metadata"]["name"]) for k in kafkas if self._is_ready(k)}
        for kafka in kafkas:
            self.kafka(kafka)
        for pool in self._list("kafkanodepools"):
            self.node_pool(pool)
        for user in self._list("kafkausers"):
            if self._cluster_of(user) in ready:
                self.user(user)
        for topic in self._list("kafkatopics"):
            if self._cluster_of(topic) in ready:
                self.topic(topic)
        for kind in ("kafkabridges", "kafkaconnects"):
            for obj in self._list(kind):
                self.simple(kind, obj)
        for connector in self._list("kafkaconnectors"):
            self.connector(connector)

    # ---- helm-controller -------------------------------------------------------------------------
    def helm_charts(self) -> None:
        if not self._has_crd("helmcharts.helm.cattle.io"):
            return
        charts = self.custom.list_namespaced_custom_object("helm.cattle.io", "v1", "kube-system", "helmcharts")["items"]
        for chart in charts:
            uid = chart["metadata"]["uid"]
            first = self.seen_charts.setdefault(uid, time.monotonic())
            status = chart.get("status") or {}
            states = {c["type"]: c["status"] for c in status.get("conditions", [])}
            done = states.get("JobCreated") == "True" and states.get("Failed") != "True"
            if done or time.monotonic() - first < HELM_INSTALL_DELAY:
                continue
            target = chart["spec"].get("targetNamespace", "default")
            name = chart["metadata"]["name"]
            if not self._exists(self.core.read_namespace, target) and not chart["spec"].get("createNamespace"):
                self._chart_status(chart, [condition("JobCreated", "True"), condition(
                    "Failed", "True", "HelmJobFailed", f'Error: create: failed to create: namespaces "{target}" not found')],
                    done=False)
                continue
            for crd in CHART_CRDS.get(chart["spec"]["chart"], lambda: [])():
                self._ensure_crd(crd)
            if chart["spec"]["chart"] == "strimzi-kafka-operator":
                self._operator_deployment(target, name)
            self._chart_status(chart, [condition("JobCreated", "True")], done=True)

    def _chart_status(self, chart: dict, conditions: list[dict], done: bool) -> None:
        chart["status"] = {"jobName": f"helm-install-{chart['metadata']['name']}", "conditions": conditions}
        self.custom.replace_namespaced_custom_object_status("helm.cattle.io", "v1", "kube-system", "helmcharts",
                                                            chart["metadata"]["name"], chart)

    def _ensure_crd(self, crd: dict) -> None:
        try:
            self.ext.create_custom_resource_definition(crd)
        except ApiException as e:
            if e.status != 409:
                raise
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            got = self.ext.read_custom_resource_definition(crd["metadata"]["name"])
            if any(c.type == "Established" and c.status == "True" for c in (got.status.conditions or [])):
                return
            time.sleep(0.1)
        raise RuntimeError(f"CRD {crd['metadata']['name']} not established")

    def _operator_deployment(self, namespace: str, release: str) -> None:
        labels = {"name": "strimzi-cluster-operator", "strimzi.io/kind": "cluster-operator"}
        body = {"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "strimzi-cluster-operator", "namespace": namespace, "labels": dict(
                    labels, **{"app.kubernetes.io/managed-by": "Helm"}),
                    "annotations": {"meta.helm.sh/release-name": release}},
                "spec": {"replicas": 1, "selector": {"matchLabels": labels}, "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "strimzi-cluster-operator",
                                             "image": f"quay.io/strimzi/operator:{STRIMZI_OPERATOR_VERSION}"}]}}}}
        try:
            self.apps.create_namespaced_deployment(namespace, body)
        except ApiException as e:
            if e.status != 409:
                raise
        deployment = self.apps.read_namespaced_deployment("strimzi-cluster-operator", namespace)
        deployment.status = kubernetes.client.V1DeploymentStatus(
            observed_generation=deployment.metadata.generation, replicas=1, ready_replicas=1, available_replicas=1,
            updated_replicas=1, conditions=[kubernetes.client.V1DeploymentCondition(
                type="Available", status="True", reason="MinimumReplicasAvailable",
                message="Deployment has minimum availability.")])
        self.apps.replace_namespaced_deployment_status("strimzi-cluster-operator", namespace, deployment)

    # ---- Strimzi ---------------------------------------------------------------------------------
    def kafka(self, kafka: dict) -> None:
        if not self._new_generation(kafka):
            return
        ns, name = kafka["metadata"]["namespace"], kafka["metadata"]["name"]
        cluster_ca = self._ca(ns, f"{name}-cluster-ca", name, "cluster-ca")
        self._ca(ns, f"{name}-clients-ca", name, "clients-ca")
        listeners = []
        for listener in kafka["spec"]["kafka"].get("listeners", []):
            if listener["type"] == "nodeport":
                config = listener.get("configuration", {})
                brokers = config.get("brokers", [])
                host = (brokers[0].get("advertisedHost") if brokers else None) or \
                    (config.get("bootstrap", {}).get("alternativeNames") or ["node-0"])[0]
                port = config.get("bootstrap", {}).get("nodePort", 31000)
            else:
                host, port = f"{name}-kafka-bootstrap.{ns}.svc", listener["port"]
            entry = {"name": listener["name"], "addresses": [{"host": host, "port": port}],
                     "bootstrapServers": f"{host}:{port}"}
            if listener.get("tls"):
                entry["certificates"] = [cluster_ca.cert_pem.decode()]
            listeners.append(entry)
        pools = [p["metadata"]["name"] for p in self._list("kafkanodepools")
                 if p["metadata"]["namespace"] == ns and p["metadata"]["labels"].get("strimzi.io/cluster") == name]
        status = kafka.get("status") or {}
        self._status("kafkas", kafka, {
            "conditions": [condition("Ready")], "observedGeneration": kafka["metadata"]["generation"],
            "clusterId": status.get("clusterId") or uuid.uuid4().hex[:22], "listeners": listeners,
            "kafkaNodePools": [{"name": p} for p in sorted(pools)], "kafkaVersion": kafka["spec"]["kafka"].get("version"),
            "operatorLastSuccessfulVersion": STRIMZI_OPERATOR_VERSION})

    def node_pool(self, pool: dict) -> None:
        if not self._new_generation(pool):
            return
        self._status("kafkanodepools", pool, {
            "conditions": [condition("Ready")], "observedGeneration": pool["metadata"]["generation"],
            "nodeIds": list(range(pool["spec"]["replicas"])), "roles": pool["spec"]["roles"],
            "replicas": pool["spec"]["replicas"]})

    def user(self, user: dict) -> None:
        ns, name = user["metadata"]["namespace"], user["metadata"]["name"]
        secret_exists = self._exists(self.core.read_namespaced_secret, name, ns)
        if secret_exists and not self._new_generation(user):
            return
        cluster = user["metadata"]["labels"]["strimzi.io/cluster"]
        if user["spec"].get("authentication", {}).get("type") in ("tls", "tls-external") and not secret_exists:
            clients = self._ca(ns, f"{cluster}-clients-ca", cluster, "clients-ca")
            cert, key, cert_obj, key_obj = clients.issue(name)
            secret = password()
            p12 = pkcs12.serialize_key_and_certificates(name.encode(), key_obj, cert_obj, [clients.cert],
                                                        serialization.BestAvailableEncryption(secret.encode()))
            self.core.create_namespaced_secret(ns, {
                "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                "metadata": {"name": name, "namespace": ns, "labels": {
                    "strimzi.io/kind": "KafkaUser", "strimzi.io/cluster": cluster, "app.kubernetes.io/instance": name},
                    "ownerReferences": [self._owner(user)]},
                "data": {"ca.crt": b64(clients.cert_pem), "user.crt": b64(cert), "user.key": b64(key),
                         "user.p12": b64(p12), "user.password": b64(secret)}})
        self._status("kafkausers", user, {
            "conditions": [condition("Ready")], "observedGeneration": user["metadata"]["generation"],
            "username": f"CN={name}", "secret": name})

    def topic(self, topic: dict) -> None:
        if not self._new_generation(topic):
            return
        status = topic.get("status") or {}
        self._status("kafkatopics", topic, {
            "conditions": [condition("Ready")], "observedGeneration": topic["metadata"]["generation"],
            "topicName": topic["spec"].get("topicName", topic["metadata"]["name"]),
            "topicId": status.get("topicId") or uuid.uuid4().hex[:22]})

    def simple(self, kind: str, obj: dict) -> None:
        if not self._new_generation(obj):
            return
        ns, name = obj["metadata"]["namespace"], obj["metadata"]["name"]
        status = {"conditions": [condition("Ready")], "observedGeneration": obj["metadata"]["generation"],
                  "replicas": obj["spec"].get("replicas", 1)}
        if kind == "kafkabridges":
            status["url"] = f"http://{name}-bridge-service.{ns}.svc:{obj['spec'].get('http', {}).get('port', 8080)}"
        else:
            status["url"] = f"http://{name}-connect-api.{ns}.svc:8083"
            status["connectorPlugins"] = CONNECTOR_PLUGINS
        self._status(kind, obj, status)

    def connector(self, connector: dict) -> None:
        ns = connector["metadata"]["namespace"]
        connect_name = (connector["metadata"].get("labels") or {}).get("strimzi.io/cluster")
        connect = next((c for c in self._list("kafkaconnects")
                        if c["metadata"]["namespace"] == ns and c["metadata"]["name"] == connect_name), None)
        generation = connector["metadata"]["generation"]
        if connect is None or (connect["metadata"].get("annotations") or {}).get(
                "strimzi.io/use-connector-resources") != "true":
            reason = (f"KafkaConnect resource '{connect_name}' identified by label 'strimzi.io/cluster' does not exist "
                      f"in namespace {ns}." if connect is None else
                      f"KafkaConnect cluster '{connect_name}' is not configured with annotation "
                      "strimzi.io/use-connector-resources")
            if self._ready_status(connector) != ("False", reason):
                self._status("kafkaconnectors", connector, {
                    "conditions": [condition("NotReady", "True", "NoSuchResourceException", reason),
                                   condition("Ready", "False", "NoSuchResourceException", reason)],
                    "observedGeneration": generation})
            return
        if not self._is_ready(connect) or (self._is_ready(connector) and not self._new_generation(connector)):
            return
        state = "STOPPED" if connector["spec"].get("state") == "stopped" else "RUNNING"
        self._status("kafkaconnectors", connector, {
            "conditions": [condition("Ready")], "observedGeneration": generation,
            "tasksMax": connector["spec"].get("tasksMax", 1),
            "connectorStatus": {"name": connector["metadata"]["name"], "type": "source",
                                "connector": {"state": state, "worker_id": f"{connect_name}-connect-0:8083"},
                                "tasks": [{"id": i, "state": state, "worker_id": f"{connect_name}-connect-0:8083"}
                                          for i in range(connector["spec"].get("tasksMax", 1))]}})

    # ---- helpers ---------------------------------------------------------------------------------
    def _ca(self, ns: str, secret: str, cluster: str, kind: str) -> Ca:
        try:
            cert = self.core.read_namespaced_secret(f"{secret}-cert", ns)
            key = self.core.read_namespaced_secret(secret, ns)
            return Ca.load(base64.b64decode(cert.data["ca.crt"]), base64.b64decode(key.data["ca.key"]))
        except ApiException as e:
            if e.status != 404:
                raise
        ca = Ca.create(f"{kind}-{cluster}")
        secret_password = password()
        labels = {"strimzi.io/kind": "Kafka", "strimzi.io/cluster": cluster, "strimzi.io/component-type": "certificate-authority"}
        annotations = {"strimzi.io/ca-cert-generation": "0"}
        for name, data in ((f"{secret}-cert", {"ca.crt": b64(ca.cert_pem), "ca.p12": b64(ca.truststore(secret_password)),
                                                "ca.password": b64(secret_password)}),
                           (secret, {"ca.key": b64(ca.key_pem)})):
            self.core.create_namespaced_secret(ns, {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {
                "name": name, "namespace": ns, "labels": labels, "annotations": annotations}, "data": data})
        return ca

    def _list(self, plural: str) -> list[dict]:
        return self.custom.list_cluster_custom_object(GROUP, VERSION, plural)["items"]

    def _status(self, plural: str, obj: dict, status: dict) -> None:
        obj["status"] = status
        self.custom.replace_namespaced_custom_object_status(GROUP, VERSION, obj["metadata"]["namespace"], plural,
                                                            obj["metadata"]["name"], obj)

    def _owner(self, obj: dict) -> dict:
        return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
                "uid": obj["metadata"]["uid"], "controller": False, "blockOwnerDeletion": False}

    def _has_crd(self, name: str) -> bool:
        if name not in self.known_crds and self._exists(self.ext.read_custom_resource_definition, name):
            self.known_crds.add(name)
        return name in self.known_crds

    @staticmethod
    def _exists(read, *args) -> bool:
        try:
            read(*args)
            return True
        except ApiException as e:
            if e.status == 404:
                return False
            raise

    @staticmethod
    def _new_generation(obj: dict) -> bool:
        return (obj.get("status") or {}).get("observedGeneration") != obj["metadata"]["generation"]

    @staticmethod
    def _is_ready(obj: dict) -> bool:
        return any(c["type"] == "Ready" and c["status"] == "True" for c in (obj.get("status") or {}).get("conditions", []))

    @staticmethod
    def _ready_status(obj: dict) -> tuple[str, str] | None:
        for c in (obj.get("status") or {}).get("conditions", []):
            if c["type"] == "Ready":
                return c["status"], c.get("message", "")
        return None

    @staticmethod
    def _cluster_of(obj: dict) -> tuple[str, str | None]:
        return obj["metadata"]["namespace"], (obj["metadata"].get("labels") or {}).get("strimzi.io/cluster")
