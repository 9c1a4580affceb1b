"""A real Kubernetes control plane without nodes or controllers, envtest-style: one genuine etcd
and one genuine kube-apiserver per site (HQ, prague, brno), built from the Go modules pinned in
tools/envtest/ (scripts/envtest-binaries.sh). All API servers share one etcd under their own
--etcd-prefix, so each site is a cluster of its own (its own kube-system, its own `kafka` namespace,
its own HelmCharts) at the cost of one etcd process.

Each API server serves TLS with a certificate from a test CA (SAN 127.0.0.1), authenticates one
bearer token (user `envtest-admin`, group system:masters), authorizes with RBAC and signs service
account tokens with a fresh RSA key. A kubeconfig per site points at it.

What a real K3s has and this has not: no scheduler, no controller-manager (Deployments get no
ReplicaSets or Pods, Namespaces never finish terminating, no ServiceAccount `default` is created,
no garbage collection of owned objects), no kubelet, no network. The operators that the roles wait
for are stood in for by tests/kube/standin.py.
"""
from __future__ import annotations

import datetime
import json
import os
import pathlib
import secrets
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
import ipaddress

ROOT = pathlib.Path(__file__).resolve().parents[2]
CRD_MODULES = ROOT / "tools" / "envtest" / "crds"
STRIMZI_CRDS = ROOT / "build" / "strimzi-crds"

# Where each pinned module keeps its CRDs (module path -> glob inside the module).
CRD_GLOBS = {
    "github.com/prometheus-operator/prometheus-operator": "example/prometheus-operator-crd/*.yaml",
    "github.com/k3s-io/helm-controller": "pkg/crds/yaml/generated/helm.cattle.io_*.yaml",
    "github.com/traefik/traefik/v3": "docs/content/reference/dynamic-configuration/traefik.io_*.yaml",
}


def binaries() -> pathlib.Path:
    """The directory holding kube-apiserver and etcd (built on first use, then cached)."""
    result = subprocess.run([str(ROOT / "scripts" / "envtest-binaries.sh")], capture_output=True, text=True,
                            timeout=3600)
    assert result.returncode == 0, f"scripts/envtest-binaries.sh failed:\n{result.stderr[-3000:]}"
    path = pathlib.Path(result.stdout.strip().splitlines()[-1])
    assert (path / "kube-apiserver").is_file() and (path / "etcd").is_file(), path
    return path


def module_dirs() -> dict[str, pathlib.Path]:
    """Local directories of the CRD modules pinned in tools/envtest/crds/go.mod (Go module cache)."""
    env = dict(os.environ, PATH=f"/usr/local/go/bin:{os.environ.get('PATH', '')}", GOFLAGS="-mod=mod")
    result = subprocess.run(["go", "mod", "download", "-json", *CRD_GLOBS], cwd=CRD_MODULES, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"go mod download in {CRD_MODULES} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
    decoder, text, found = json.JSONDecoder(), result.stdout.strip(), {}
    while text:
        info, end = decoder.raw_decode(text)
        assert "Error" not in info, info
        found[info["Path"]] = pathlib.Path(info["Dir"])
        text = text[end:].strip()
    return found


class _CrdLoader(yaml.SafeLoader):
    """YAML 1.1's `=` (the "value" tag) is a plain string in YAML 1.2, which is what the API server
    reads; prometheus-operator's CRDs list `=` among label-matcher operators."""


_CrdLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))
_CRD_CACHE: dict[str, list[dict]] = {}


def crd_documents(module: str) -> list[dict]:
    if module in _CRD_CACHE:
        return _CRD_CACHE[module]
    directory = module_dirs()[module]
    docs = []
    for path in sorted(directory.glob(CRD_GLOBS[module])):
        docs += [d for d in yaml.load_all(path.read_text(), Loader=_CrdLoader)
                 if d and d.get("kind") == "CustomResourceDefinition"]
    _CRD_CACHE[module] = docs
    assert docs, f"no CRDs under {directory}/{CRD_GLOBS[module]}"
    return docs


def strimzi_crd_documents() -> list[dict]:
    if not (STRIMZI_CRDS / "Kafka.yaml").is_file():
        subprocess.run(["mvn", "-B", "-ntp", "-q", "-pl", "tools/strimzi-schemas", "generate-resources"], cwd=ROOT,
                       check=True, timeout=900)
    return [yaml.safe_load(p.read_text()) for p in sorted(STRIMZI_CRDS.glob("*.yaml"))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _write_tls(directory: pathlib.Path) -> None:
    """A test CA and a serving certificate for 127.0.0.1/localhost signed by it."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (x509.CertificateBuilder().subject_name(_name("envtest-ca")).issuer_name(_name("envtest-ca"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(_name("kube-apiserver")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    (directory / "ca.crt").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (directory / "serving.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "serving.key").write_bytes(_pem_key(key))
    sa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (directory / "sa.key").write_bytes(_pem_key(sa))
    (directory / "sa.pub").write_bytes(sa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


@dataclass
class ApiServer:
    site: str
    directory: pathlib.Path
    port: int
    token: str
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def kubeconfig(self) -> pathlib.Path:
        return self.directory / "kubeconfig"

    def write_kubeconfig(self) -> None:
        ca = (self.directory / "ca.crt").read_bytes()
        import base64
        config = {
            "apiVersion": "v1", "kind": "Config", "current-context": self.site,
            "clusters": [{"name": self.site, "cluster": {
                "server": self.url, "certificate-authority-data": base64.b64encode(ca).decode()}}],
            "users": [{"name": self.site, "user": {"token": self.token}}],
            "contexts": [{"name": self.site, "context": {"cluster": self.site, "user": self.site}}],
        }
        self.kubeconfig.write_text(yaml.safe_dump(config))
        self.kubeconfig.chmod(0o600)

    def ready(self) -> bool:
        context = ssl.create_default_context(cafile=str(self.directory / "ca.crt"))
        request = urllib.request.Request(f"{self.url}/readyz", headers={"Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, context=context, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False


@dataclass
class ControlPlane:
    """One etcd, one kube-apiserver per site. `start()` returns when every /readyz answers ok."""
    directory: pathlib.Path
    sites: list[str]
    servers: dict[str, ApiServer] = field(default_factory=dict)
    etcd: subprocess.Popen | None = None
    logs: list = field(default_factory=list)

    def start(self, timeout: float = 120) -> "ControlPlane":
        bins = binaries()
        self.directory.mkdir(parents=True, exist_ok=True)
        etcd_port, peer_port = free_port(), free_port()
        etcd_url = f"http://127.0.0.1:{etcd_port}"
        self.etcd = self._spawn("etcd", [
            str(bins / "etcd"), f"--data-dir={self.directory / 'etcd'}", f"--listen-client-urls={etcd_url}",
            f"--advertise-client-urls={etcd_url}", f"--listen-peer-urls=http://127.0.0.1:{peer_port}",
            f"--initial-advertise-peer-urls=http://127.0.0.1:{peer_port}",
            f"--initial-cluster=default=http://127.0.0.1:{peer_port}", "--unsafe-no-fsync", "--log-level=warn"])
        for site in self.sites:
            directory = self.directory / site
            directory.mkdir(parents=True)
            _write_tls(directory)
            token = secrets.token_hex(24)
            (directory / "tokens.csv").write_text(f'{token},envtest-admin,envtest-admin,"system:masters"\n')
            server = ApiServer(site, directory, free_port(), token)
            server.process = self._spawn(f"kube-apiserver-{site}", [
                str(bins / "kube-apiserver"), f"--etcd-servers={etcd_url}", f"--etcd-prefix=/{site}",
                "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", f"--secure-port={server.port}",
                f"--cert-dir={directory}", f"--tls-cert-file={directory / 'serving.crt'}",
                f"--tls-private-key-file={directory / 'serving.key'}",
                f"--token-auth-file={directory / 'tokens.csv'}", "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc",
                f"--service-account-key-file={directory / 'sa.pub'}",
                f"--service-account-signing-key-file={directory / 'sa.key'}",
                "--service-cluster-ip-range=10.96.0.0/16", "--v=0"])
            server.write_kubeconfig()
            self.servers[site] = server
        deadline = time.monotonic() + timeout
        pending = set(self.sites)
        while pending and time.monotonic() < deadline:
            for site in list(pending):
                if self.servers[site].process.poll() is not None:
                    raise RuntimeError(f"kube-apiserver of {site} exited: {self.tail(f'kube-apiserver-{site}')}")
                if self.servers[site].ready():
                    pending.discard(site)
            time.sleep(0.5)
        if pending:
            raise RuntimeError(f"kube-apiserver not ready after {timeout}s: {sorted(pending)}")
        return self

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.directory / f"{name}.log", "w")
        self.logs.append(log)
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def tail(self, name: str, lines: int = 30) -> str:
        return "\n".join((self.directory / f"{name}.log").read_text().splitlines()[-lines:])

    def stop(self) -> None:
        # API servers first (they flush to etcd), then etcd.
        for group in ([s.process for s in self.servers.values()], [self.etcd]):
            for process in group:
                if process and process.poll() is None:
                    process.terminate()
            for process in group:
                if process:
                    try:
                        process.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
        for log in self.logs:
            log.close()
        shutil.rmtree(self.directory / "etcd", ignore_errors=True)
