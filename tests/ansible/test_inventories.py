"""The inventories: the group shape other layers rely on, site variables, vaulted secrets."""
from __future__ import annotations

import json

import pytest
import yaml

from conftest import DEMO_VAULT_PASSWORD, ROOT, run

SITES = {"prague": "prague", "brno": "brno"}


def graph(inventory: str) -> dict:
    result = run(["ansible-inventory", "-i", f"inventory/{inventory}", "--list",
                  "--vault-password-file", str(DEMO_VAULT_PASSWORD)])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def hosts_of(data: dict, group: str) -> set[str]:
    node = data.get(group, {})
    found = set(node.get("hosts", []))
    for child in node.get("children", []):
        found |= hosts_of(data, child)
    return found


@pytest.fixture(scope="module")
def example():
    return graph("example")


@pytest.fixture(scope="module")
def prague():
    return graph("prague")


def test_example_has_hq_and_two_edge_sites(example):
    assert hosts_of(example, "hq_server") == {"hq-k3s-1"}
    assert set(example["edge"]["children"]) == {"prague", "brno"}
    for site in SITES:
        assert hosts_of(example, f"{site}_server") == {f"{site}-pi-1"}
        assert hosts_of(example, f"{site}_agent") == {f"{site}-pi-{n}" for n in (2, 3, 4)}
        assert len(hosts_of(example, f"{site}_sensors")) == 2
        assert hosts_of(example, f"{site}_sensors") <= hosts_of(example, "sensors")


def test_k3s_cluster_is_every_server_and_agent(example):
    groups = [g for g in example if g.endswith(("_server", "_agent"))]
    expected = set().union(*(hosts_of(example, g) for g in groups))
    assert hosts_of(example, "k3s_cluster") == expected
    assert not hosts_of(example, "k3s_cluster") & hosts_of(example, "sensors")


def test_one_access_point_per_edge_site(example):
    aps = hosts_of(example, "wifi_ap")
    for site in SITES:
        assert len(aps & hosts_of(example, site)) == 1, site
    assert aps <= hosts_of(example, "k3s_cluster")


def test_site_variables(example):
    hostvars = example["_meta"]["hostvars"]
    for host in hosts_of(example, "all"):
        assert hostvars[host]["deployment_mode"] == "k3s"
    for site in (*SITES, "hq"):
        for host in hosts_of(example, site):
            assert hostvars[host]["site_name"] == site
    for site in SITES:
        node = hostvars[f"{site}-pi-2"]
        assert node["server_group"] == f"{site}_server"
        assert node["agent_group"] == f"{site}_agent"
        assert node["token"] == "{{ vault_k3s_token }}"
        assert node["wifi_ap_psk"] == "{{ vault_wifi_ap_psk }}"
        assert node["wifi_ap_ssid"]
        assert node["node_prep_chrony_serve_subnets"] == ["{{ wifi_ap_subnet }}"]
    sensor_subnets = {hostvars[f"{site}-pi-2"]["wifi_ap_subnet"] for site in SITES}
    assert len(sensor_subnets) == len(SITES)


def test_sensors_run_on_the_control_node(example):
    hostvars = example["_meta"]["hostvars"]
    for host in hosts_of(example, "sensors"):
        assert hostvars[host]["ansible_connection"] == "local"
        assert hostvars[host]["vault_wifi_ap_psk"]  # the firmware reads it for the devices


@pytest.mark.parametrize("path", sorted(ROOT.glob("inventory/*/group_vars/*/vault.yml")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_vault_files_hold_only_encrypted_values(path):
    text = path.read_text()
    if text.startswith("$ANSIBLE_VAULT;"):
        return  # a whole-file vault
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_constructor("!vault", lambda loader, node: ("VAULT", loader.construct_scalar(node)))
    data = yaml.load(text, Loader=Loader) or {}
    assert data, f"{path}: empty"
    for key, value in data.items():
        assert key.startswith("vault_"), f"{path}: {key} should be named vault_*"
        assert isinstance(value, tuple) and value[1].startswith("$ANSIBLE_VAULT;"), f"{path}: {key} is plain text"


def test_vault_values_decrypt_with_the_demo_password(example):
    hostvars = example["_meta"]["hostvars"]
    for host in ("hq-k3s-1", "prague-pi-1", "brno-pi-1"):
        token = hostvars[host]["vault_k3s_token"]
        token = token.get("__ansible_vault", token) if isinstance(token, dict) else token
        assert isinstance(token, str) and len(token) >= 16
    tokens = {json.dumps(hostvars[h]["vault_k3s_token"]) for h in ("hq-k3s-1", "prague-pi-1", "brno-pi-1")}
    assert len(tokens) == 3, "every site has its own K3s token"


def test_demo_vault_password_is_marked_demo_only():
    assert "DEMO-ONLY" in DEMO_VAULT_PASSWORD.read_text()
    readme = (ROOT / "inventory" / "README.md").read_text()
    assert "demo-vault-password.txt" in readme and "demo" in readme.lower()


def test_per_site_inventory_has_the_same_shape_for_its_site(example, prague):
    for group in ("prague_server", "prague_agent", "prague_sensors", "wifi_ap", "k3s_cluster", "sensors"):
        assert hosts_of(prague, group) == hosts_of(example, group) & hosts_of(example, "prague"), group
    assert not hosts_of(prague, "hq")
    assert "brno" not in prague


def test_per_site_inventory_reuses_the_example_variables_without_a_copy():
    prague = ROOT / "inventory" / "prague"
    for folder in ("group_vars", "host_vars"):
        assert (prague / folder).is_symlink(), f"inventory/prague/{folder} should link to example's, not copy it"
        assert (prague / folder).resolve() == (ROOT / "inventory" / "example" / folder).resolve()


def test_local_inventory_has_no_k3s_hosts():
    local = graph("local")
    assert not hosts_of(local, "k3s_cluster")
    assert not hosts_of(local, "wifi_ap")
