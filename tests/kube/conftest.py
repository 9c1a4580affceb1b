"""The cluster layer against real Kubernetes API servers (envtest): one kube-apiserver per site of
inventory/example (hq, prague, brno) over one etcd, the CRDs K3s ships (helm-controller's HelmChart,
Traefik's) installed up front, and the operator stand-in (TEST DOUBLE, standin.py) on each.

The playbooks run exactly as a user runs them on a machine whose K3s sites are already up:
`ansible-playbook site.yml -i inventory/example --tags preflight,hq,edge` (the host layer — k3s,
node_prep, wifi_ap, image shipping — needs SSH to Raspberry Pis; the k3s-ansible test double in
tests/collections covers it in tests/ansible). The only overrides are where this machine keeps what
playbooks/k3s.yml would have fetched: each site's kubeconfig and the credential hand-over directory
(so the developer's own .credentials/ is never touched)."""
from __future__ import annotations

import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import time

import kubernetes
import pytest

from envtest import ROOT, ControlPlane, crd_documents
from standin import OperatorStandIn

INVENTORY = ROOT / "inventory" / "example"
DEMO_VAULT_PASSWORD = INVENTORY / "demo-vault-password.txt"
SITES = ["hq", "prague", "brno"]
BIN = pathlib.Path(sys.executable).parent
# A user whose K3s sites are up runs the cluster layer's playbooks (site.yml also runs the host layer,
# which needs SSH to the Raspberry Pis): preflight first, as site.yml does.
HQ = ["playbooks/preflight.yml", "playbooks/hq.yml"]
EDGE = ["playbooks/preflight.yml", "playbooks/edge.yml"]
ALL = ["playbooks/preflight.yml", "playbooks/hq.yml", "playbooks/edge.yml"]
K3S_CRDS = ["github.com/k3s-io/helm-controller", "github.com/traefik/traefik/v3"]


class Cluster:
    """What the tests need of one site: its API server, typed clients and the stand-in."""

    def __init__(self, site: str, control_plane: ControlPlane):
        self.site = site
        self.server = control_plane.servers[site]
        self.api = kubernetes.config.new_client_from_config(str(self.server.kubeconfig))
        self.core = kubernetes.client.CoreV1Api(self.api)
        self.apps = kubernetes.client.AppsV1Api(self.api)
        self.custom = kubernetes.client.CustomObjectsApi(self.api)
        self.ext = kubernetes.client.ApiextensionsV1Api(self.api)
        self.standin: OperatorStandIn | None = None

    def strimzi(self, plural: str, name: str, namespace: str = "kafka") -> dict:
        return self.custom.get_namespaced_custom_object("kafka.strimzi.io", "v1", namespace, plural, name)

    def secret(self, name: str, namespace: str = "kafka") -> dict[str, bytes]:
        import base64
        data = self.core.read_namespaced_secret(name, namespace).data or {}
        return {k: base64.b64decode(v) for k, v in data.items()}


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> pathlib.Path:
    return tmp_path_factory.mktemp("kube")


@pytest.fixture(scope="session")
def control_plane(workdir):
    plane = ControlPlane(workdir / "clusters", SITES)

    def stop_on_sigterm(signum, frame):   # a killed suite must not leave API servers behind
        plane.stop()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    try:
        plane.start()
        yield plane
    finally:
        plane.stop()


@pytest.fixture(scope="session")
def clusters(control_plane) -> dict[str, Cluster]:
    found = {}
    k3s_crds = [crd for module in K3S_CRDS for crd in crd_documents(module)]
    for site in SITES:
        cluster = Cluster(site, control_plane)
        for crd in k3s_crds:   # what K3s itself ships: helm-controller's and Traefik's CRDs
            cluster.ext.create_custom_resource_definition(crd)
        found[site] = cluster
    for cluster in found.values():
        wait_for(lambda c=cluster: all(established(c, crd["metadata"]["name"]) for crd in k3s_crds), "K3s CRDs")
        cluster.standin = OperatorStandIn(str(cluster.server.kubeconfig), cluster.site).start()
    yield found
    for cluster in found.values():
        cluster.standin.stop()


def established(cluster: Cluster, name: str) -> bool:
    try:
        crd = cluster.ext.read_custom_resource_definition(name)
    except kubernetes.client.ApiException:
        return False
    return any(c.type == "Established" and c.status == "True" for c in (crd.status.conditions or []))


def wait_for(predicate, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="session")
def credentials_dir(workdir) -> pathlib.Path:
    path = workdir / "credentials"
    path.mkdir()
    return path


def overrides(workdir: pathlib.Path, credentials_dir: pathlib.Path) -> dict[str, object]:
    return {
        # Where playbooks/k3s.yml would have put each site's kubeconfig and the hand-over files.
        "cluster_common_kubeconfig": str(workdir / "clusters" / "{{ site_name }}" / "kubeconfig"),
        "cluster_common_credentials_dir": str(credentials_dir),
        "cluster_common_wait_timeout": 90,
    }


def ansible_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_CACHE_PLUGIN="memory", ANSIBLE_NOCOLOR="1",
               ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_FORCE_COLOR="0",
               PATH=f"{BIN}:{env.get('PATH', '')}")
    return env


class Run:
    def __init__(self, result: subprocess.CompletedProcess, seconds: float):
        self.result, self.seconds = result, seconds
        self.stdout, self.returncode = result.stdout, result.returncode

    @property
    def recap(self) -> dict[str, dict[str, int]]:
        hosts = {}
        for host, counters in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", self.stdout, re.M):
            hosts[host] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", counters)}
        return hosts

    @property
    def changed(self) -> dict[str, int]:
        return {h: c["changed"] for h, c in self.recap.items() if c["changed"]}

    def changed_tasks(self) -> list[str]:
        """Names of the tasks that reported `changed` (default callback: TASK [...] then changed: ...)."""
        names, current = [], None
        for line in self.stdout.splitlines():
            m = re.match(r"^TASK \[(.*)\] \*+", line)
            if m:
                current = m.group(1)
            elif line.startswith("changed:") and current and current not in names:
                names.append(current)
        return names

    def __str__(self) -> str:
        return f"rc={self.returncode} in {self.seconds:.0f}s\n{self.stdout[-6000:]}\n{self.result.stderr[-2000:]}"


def playbook(workdir: pathlib.Path, credentials_dir: pathlib.Path, playbooks: list[str], *args: str,
             extra: dict | None = None, inventory: pathlib.Path = INVENTORY, timeout: int = 900) -> Run:
    variables = overrides(workdir, credentials_dir) | (extra or {})
    command = [str(BIN / "ansible-playbook"), *playbooks, "-i", str(inventory),
               "--vault-password-file", str(DEMO_VAULT_PASSWORD), "-e", json.dumps(variables), *args]
    start = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=ansible_env(), capture_output=True, text=True, timeout=timeout)
    return Run(result, time.monotonic() - start)


@pytest.fixture(scope="session")
def deploy(workdir, credentials_dir, clusters):
    """Runs playbooks with the session's kubeconfigs: deploy(HQ, "--check", "--diff", extra={...})."""
    def run(playbooks: list[str], *args: str, **kwargs) -> Run:
        return playbook(workdir, credentials_dir, playbooks, *args, **kwargs)
    return run
