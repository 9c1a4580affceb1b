"""inventory/example deployed for real onto three kube-apiservers (hq, prague, brno), in the order a
user runs it: the edge before HQ fails early, HQ, both edges, then the same again (nothing changes),
check mode against the converged clusters (nothing to report; one variable changed: exactly that,
nothing applied), a new image build (the Deployments roll), and no secret left in the tree.
The tests of this module run in order and share the clusters."""
from __future__ import annotations

import base64
import json
import pathlib
import re
import subprocess
import time

import kubernetes
import pytest
import yaml
from ansible.parsing.vault import VaultLib, VaultSecret
from cryptography import x509
from kubernetes.dynamic import DynamicClient

from conftest import ALL, DEMO_VAULT_PASSWORD, EDGE, HQ, INVENTORY, ROOT

EDGES = ["prague", "brno"]
SESSION_START = time.time()


# ---- the demo vault, decrypted in memory (what must never land on disk in plain text) ----------
def _vault_values() -> dict[str, str]:
    vault = VaultLib([("default", VaultSecret(DEMO_VAULT_PASSWORD.read_bytes().strip()))])

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!vault", lambda loader, node: vault.decrypt(loader.construct_scalar(node)).decode())
    values = {}
    for path in sorted(INVENTORY.glob("group_vars/**/*.yml")):
        for key, value in (yaml.load(path.read_text(), Loader=Loader) or {}).items():
            if key.startswith("vault_") and isinstance(value, str) and "{{" not in value:
                values[f"{path.parent.name}/{key}"] = value
    return values


VAULT = _vault_values()
PASSPHRASE = VAULT["all/vault_cluster_credentials_passphrase"]


def unvault(path: pathlib.Path) -> dict:
    text = path.read_text()
    assert text.startswith("$ANSIBLE_VAULT;"), f"{path} is not vault-encrypted"
    return yaml.safe_load(VaultLib([("default", VaultSecret(PASSPHRASE.encode()))]).decrypt(text))


def test_the_demo_vault_is_decrypted_for_the_scan():
    assert len(PASSPHRASE) >= 16 and any(k.endswith("vault_k3s_token") for k in VAULT), sorted(VAULT)


# ---- order: the edge before HQ ------------------------------------------------------------------
def test_an_edge_before_hq_fails_early_naming_what_to_run_first(deploy, clusters):
    run = deploy(EDGE)
    assert run.returncode != 0, run
    assert "run playbooks/hq.yml first" in run.stdout, run
    # Early: before anything was applied to the edge cluster.
    charts = clusters["prague"].custom.list_namespaced_custom_object("helm.cattle.io", "v1", "kube-system", "helmcharts")
    assert charts["items"] == [], [c["metadata"]["name"] for c in charts["items"]]


# ---- HQ -------------------------------------------------------------------------------------------
def test_hq_deploys_and_exports_each_edge_its_credentials(deploy, clusters, credentials_dir):
    run = deploy(HQ)
    assert run.returncode == 0, run
    hq = clusters["hq"]
    kafka = hq.strimzi("kafkas", "hq")
    external = next(listener for listener in kafka["spec"]["kafka"]["listeners"] if listener["name"] == "external")
    assert external["configuration"]["bootstrap"]["nodePort"] == 32100
    assert {u["metadata"]["name"] for u in hq.custom.list_namespaced_custom_object(
        "kafka.strimzi.io", "v1", "kafka", "kafkausers")["items"]} == {"edge-prague", "edge-brno", "frontend"}
    assert hq.apps.read_namespaced_deployment("frontend", "kafka").spec.template.spec.containers[0].image
    monitors = hq.custom.list_namespaced_custom_object("monitoring.coreos.com", "v1", "kafka", "podmonitors")["items"]
    assert {m["metadata"]["name"] for m in monitors} == {"hq-kafka", "frontend"}
    rules = hq.custom.list_namespaced_custom_object("monitoring.coreos.com", "v1", "monitoring", "prometheusrules")
    assert rules["items"] and all(r["spec"]["groups"] for r in rules["items"])
    for site in EDGES:
        exported = unvault(credentials_dir / site / "hq-client.vault")
        issued = hq.secret(f"edge-{site}")
        assert exported["user.crt"].encode() == issued["user.crt"] and exported["user.key"].encode() == issued["user.key"]
        assert exported["ca.crt"].encode() == hq.secret("hq-cluster-ca-cert")["ca.crt"]
        assert oct((credentials_dir / site / "hq-client.vault").stat().st_mode & 0o777) == "0o600"


# ---- the edges --------------------------------------------------------------------------------------
def test_the_edges_deploy_with_the_certificate_hq_issued_to_them(deploy, clusters):
    run = deploy(EDGE)
    assert run.returncode == 0, run
    hq = clusters["hq"]
    clients_ca = x509.load_pem_x509_certificate(hq.secret("hq-clients-ca-cert")["ca.crt"])
    for site in EDGES:
        edge = clusters[site]
        client, ca = edge.secret("hq-client"), edge.secret("hq-cluster-ca")
        assert client["user.crt"] == hq.secret(f"edge-{site}")["user.crt"]
        assert client["user.key"] == hq.secret(f"edge-{site}")["user.key"]
        assert ca["ca.crt"] == hq.secret("hq-cluster-ca-cert")["ca.crt"]
        cert = x509.load_pem_x509_certificate(client["user.crt"])
        assert cert.subject.rfc4514_string() == f"CN=edge-{site}"
        cert.verify_directly_issued_by(clients_ca)   # signed by HQ's clients CA, which HQ's brokers trust
        for other in set(EDGES) - {site}:
            assert client["user.crt"] != hq.secret(f"edge-{other}")["user.crt"]
        connector = edge.strimzi("kafkaconnectors", f"{site}-to-hq")
        assert connector["spec"]["config"]["source.cluster.alias"] == site
        assert connector["spec"]["config"]["producer.override.bootstrap.servers"] == "kafka.hq.example.net:32100"
        assert edge.strimzi("kafkas", "edge")["status"]["conditions"][0]["type"] == "Ready"
        monitors = edge.custom.list_namespaced_custom_object("monitoring.coreos.com", "v1", "kafka", "podmonitors")
        assert {m["metadata"]["name"] for m in monitors["items"]} == {"edge-kafka", "mirrormaker2", "kafka-bridge", "aggregator"}
    assert clusters["prague"].strimzi("kafkanodepools", "edge-combined")["spec"]["replicas"] == 3
    assert clusters["brno"].strimzi("kafkanodepools", "edge-combined")["spec"]["replicas"] == 1


# ---- every rendered object of every inventory, accepted by the real API server --------------------
def _k3s_inventories() -> list[pathlib.Path]:
    found = []
    for inventory in sorted((ROOT / "inventory").iterdir()):
        texts = [p.read_text() for p in (inventory / "group_vars" / "all").glob("*.yml")]
        if (inventory / "hosts.yml").is_file() and any("deployment_mode: k3s" in t for t in texts):
            found.append(inventory)
    return found


@pytest.mark.parametrize("inventory", _k3s_inventories(), ids=lambda p: p.name)
def test_every_rendered_object_is_accepted_by_the_api_server(deploy, clusters, tmp_path, inventory):
    if inventory == INVENTORY:
        out = ROOT / "build" / "manifests" / "example"   # what the deploys above wrote (the default directory)
    else:
        out = tmp_path / "manifests"
        run = deploy(["playbooks/hq.yml", "playbooks/edge.yml"], inventory=inventory,
                     extra={"cluster_common_render_only": True, "cluster_common_manifests_dir": f"{out}/{{{{ site_name }}}}"})
        assert run.returncode == 0, run
    sites = sorted(p for p in out.iterdir() if p.is_dir())
    assert sites
    rejected, accepted = [], 0
    for site_dir in sites:
        cluster = clusters["hq" if site_dir.name == "hq" else "prague"]
        dynamic = DynamicClient(cluster.api)
        for path in sorted(site_dir.glob("*.yaml")):
            for obj in (d for d in yaml.safe_load_all(path.read_text()) if d):
                resource = dynamic.resources.get(api_version=obj["apiVersion"], kind=obj["kind"])
                try:
                    resource.server_side_apply(body=obj, name=obj["metadata"]["name"],
                                               namespace=obj["metadata"].get("namespace"),
                                               field_manager="envtest-dry-run", force_conflicts=True, dry_run="All")
                    accepted += 1
                except kubernetes.client.ApiException as e:
                    rejected.append(f"{inventory.name}/{site_dir.name}/{path.name} {obj['kind']} "
                                    f"{obj['metadata']['name']}: {json.loads(e.body).get('message', e.body)[:500]}")
    assert not rejected, "\n".join(rejected)
    assert accepted > 20


# ---- idempotence and check mode ---------------------------------------------------------------------
def test_a_second_run_changes_nothing(deploy):
    run = deploy(ALL)
    assert run.returncode == 0, run
    assert run.changed == {}, f"changed: {run.changed} in tasks {run.changed_tasks()}\n{run}"


def test_check_diff_against_the_converged_clusters_reports_nothing(deploy):
    run = deploy(ALL, "--check", "--diff")
    assert run.returncode == 0, run
    assert run.changed == {}, f"changed: {run.changed} in tasks {run.changed_tasks()}\n{run}"


def test_check_diff_reports_exactly_a_changed_window_and_applies_nothing(deploy, clusters):
    run = deploy(ALL, "--check", "--diff", extra={"pipeline_window_seconds": 30})
    assert run.returncode == 0, run
    assert set(run.changed) == {"hq-k3s-1", "prague-pi-1", "brno-pi-1"}, run.changed
    changed = run.changed_tasks()
    assert changed and all("render" in t or "applied" in t for t in changed), changed
    removed = [line for line in run.stdout.splitlines() if re.match(r"^-\s", line) and not line.startswith("---")]
    added = [line for line in run.stdout.splitlines() if re.match(r"^\+\s", line) and not line.startswith("+++")]
    diff = "\n".join(removed + added)
    assert any("30" in line and "WINDOW" in line.upper() or "PT30S" in line for line in added), diff
    assert all(re.search(r"WINDOW|PT60S|PT30S|\b60\b|\b30\b|value", line, re.I) for line in removed + added), diff
    for site in EDGES:
        env = clusters[site].apps.read_namespaced_deployment("aggregator", "kafka").spec.template.spec.containers[0].env
        assert {e.name: e.value for e in env}["AGGREGATOR_WINDOW_SECONDS"] == "60", "check mode applied the change"
    env = clusters["hq"].apps.read_namespaced_deployment("frontend", "kafka").spec.template.spec.containers[0].env
    assert {e.name: e.value for e in env}["SENSORS_WINDOW"] == "PT60S"


# ---- a new image build rolls the Deployments --------------------------------------------------------
def test_a_new_image_build_rolls_the_deployments(deploy, clusters, workdir):
    images = workdir / "images"
    images.mkdir(exist_ok=True)

    def templates():
        return {site: clusters[site].apps.read_namespaced_deployment(name, "kafka")
                for site, name in [("hq", "frontend"), ("prague", "aggregator"), ("brno", "aggregator")]}

    before = templates()
    # What playbooks/images.yml leaves behind: the IDs of the images it built, per service.
    (images / "aggregator.revision").write_text("sha256:" + "a" * 64 + "\n")
    (images / "frontend.revision").write_text("sha256:" + "f" * 64 + "\n")
    run = deploy(ALL, extra={"cluster_common_images_dir": str(images)})
    assert run.returncode == 0, run
    after = templates()
    for site in before:
        old, new = before[site], after[site]
        assert new.metadata.generation == old.metadata.generation + 1, site
        assert new.spec.template.metadata.annotations != old.spec.template.metadata.annotations, site


# ---- no secret in the tree ----------------------------------------------------------------------------
def _needles(clusters) -> dict[str, bytes]:
    needles = {"PEM private key": b"PRIVATE KEY-----"}
    for name, value in VAULT.items():
        needles[f"vault {name}"] = value.encode()
    for site in ["hq", *EDGES]:
        core = clusters[site].core
        for secret in core.list_namespaced_secret("kafka").items:
            for key in ("user.key", "user.password", "ca.password", "ca.key"):
                if secret.data and key in secret.data:
                    needles[f"{site} Secret {secret.metadata.name}/{key}"] = base64.b64decode(secret.data[key])
    return {k: v for k, v in needles.items() if len(v) >= 8}


def test_a_deploy_leaves_no_key_password_or_token_in_the_tree(clusters):
    needles = _needles(clusters)
    forms = {}
    for name, value in needles.items():
        forms[name] = [value, base64.b64encode(value)]
    forms["PEM private key"].append(base64.b64encode(b"-----BEGIN PRIVATE KEY-----")[:32])
    found = []
    skip = {".git", ".venv", "node_modules", "target", "collections", "__pycache__"}
    git = lambda *a: subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    clean_sources = set(git("ls-files")) - set(git("diff", "--name-only", "HEAD"))   # committed, not written by a deploy
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if any(part in skip for part in relative.parts) or not path.is_file() or str(relative) in clean_sources:
            continue
        if path.stat().st_mtime < SESSION_START:
            continue   # only what this session's deploys wrote
        data = path.read_bytes()
        for name, variants in forms.items():
            if any(v in data for v in variants):
                found.append(f"{path.relative_to(ROOT)}: {name}")
    assert not found, "secrets written into the tree by a deploy:\n" + "\n".join(found)
