"""Renders every K3s inventory's cluster layer (render-only mode, no cluster) once per session and
hands the objects to the tests. Inventories: every inventory/*/ whose deployment_mode is k3s, or
the space-separated paths in MANIFEST_INVENTORIES."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from strict import load_crds

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent
CRD_DIR = ROOT / "build" / "strimzi-crds"
KAFKA_LIBS = ROOT / "build" / "kafka" / "libs"
DEMO_VAULT_PASSWORD = ROOT / "inventory" / "example" / "demo-vault-password.txt"


@dataclass
class Site:
    inventory: str
    name: str
    directory: pathlib.Path
    objects: list[dict[str, Any]] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o["kind"] == kind]

    def named(self, kind: str, name: str) -> dict[str, Any]:
        matches = [o for o in self.of_kind(kind) if o["metadata"]["name"] == name]
        assert len(matches) == 1, f"{self.inventory}/{self.name}: expected one {kind} {name}, found {len(matches)}"
        return matches[0]

    @property
    def is_hq(self) -> bool:
        return bool(self.of_kind("Deployment")) and any(
            d["metadata"]["name"] == "frontend" for d in self.of_kind("Deployment"))

    def __str__(self) -> str:
        return f"{self.inventory}/{self.name}"


def k3s_inventories() -> list[pathlib.Path]:
    if os.environ.get("MANIFEST_INVENTORIES"):
        return [pathlib.Path(p).resolve() for p in os.environ["MANIFEST_INVENTORIES"].split()]
    found = []
    for inventory in sorted((ROOT / "inventory").iterdir()):
        all_vars = inventory / "group_vars" / "all"
        texts = [p.read_text() for p in all_vars.glob("*.yml")] if all_vars.is_dir() else []
        if (inventory / "hosts.yml").is_file() and any("deployment_mode: k3s" in t for t in texts):
            found.append(inventory)
    return found


def render(inventory: pathlib.Path) -> pathlib.Path:
    out = inventory.parent.parent / "build" / "manifests" / inventory.name
    subprocess.run(["rm", "-rf", str(out)], check=True)
    result = run_playbooks(inventory)
    assert result.returncode == 0, f"render-only run of {inventory} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    return out


@pytest.fixture(scope="session")
def sites() -> list[Site]:
    inventories = k3s_inventories()
    assert inventories, "no K3s inventory found under inventory/ (deployment_mode: k3s)"
    rendered = []
    for inventory in inventories:
        out = render(inventory)
        for site_dir in sorted(p for p in out.iterdir() if p.is_dir()):
            site = Site(inventory.name, site_dir.name, site_dir)
            for path in sorted(site_dir.glob("*.yaml")):
                site.objects += [d for d in yaml.safe_load_all(path.read_text()) if d]
            rendered.append(site)
    assert rendered, "render-only mode wrote no site"
    return rendered


@pytest.fixture(scope="session")
def hq(sites: list[Site]) -> Site:
    hqs = [s for s in sites if s.is_hq]
    assert len(hqs) == 1, f"expected exactly one HQ site, found {[str(s) for s in hqs]}"
    return hqs[0]


@pytest.fixture(scope="session")
def edges(sites: list[Site]) -> list[Site]:
    found = [s for s in sites if not s.is_hq]
    assert found, "no edge site rendered"
    return found


@pytest.fixture(scope="session")
def crds():
    assert (CRD_DIR / "Kafka.yaml").is_file(), "run `mvn -pl tools/strimzi-schemas install` (make setup) first"
    return load_crds(CRD_DIR)


@pytest.fixture(scope="session")
def kafka_config_names() -> dict[str, set[str]]:
    assert KAFKA_LIBS.is_dir(), "build/kafka/libs missing: run `make setup` (tools/kafka-dist)"
    java = pathlib.Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "java"
    result = subprocess.run([str(java), "-cp", f"{KAFKA_LIBS}/*", str(HERE / "KafkaConfigNames.java")],
                            capture_output=True, text=True, check=True, timeout=300)
    return {k: set(v) for k, v in json.loads(result.stdout).items()}


def run_playbooks(inventory: pathlib.Path, *extra: str) -> subprocess.CompletedProcess:
    command = ["ansible-playbook", "playbooks/hq.yml", "playbooks/edge.yml", "-i", str(inventory),
               "-e", "cluster_common_render_only=true", *extra]
    if DEMO_VAULT_PASSWORD.is_file():
        command += ["--vault-password-file", str(DEMO_VAULT_PASSWORD)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
