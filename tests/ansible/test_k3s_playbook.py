"""playbooks/k3s.yml against the example inventory, with the k3s-ansible TEST DOUBLE
(tests/collections) standing in for the real collection: every node runs locally, node_prep is
skipped (its molecule scenario converges it in a real container), the double records what it
received."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from conftest import DEMO_VAULT_PASSWORD, ROOT, STANDIN_COLLECTIONS, ansible_env, run

LOCAL_CONNECTION = {"ansible_connection": "local", "ansible_become": False,
                    "ansible_python_interpreter": "{{ ansible_playbook_python }}"}


def k3s_run(tmp: Path, inventory: str, *extra: str, collections: Path = STANDIN_COLLECTIONS):
    records = tmp / "records"
    records.mkdir(exist_ok=True)
    overrides = dict(LOCAL_CONNECTION,
                     k3s_site_kubeconfig=str(tmp / "credentials" / "{{ site_name }}" / "kubeconfig"),
                     k3s_server_kubeconfig_path=str(records / "{{ inventory_hostname }}-k3s.yaml"))
    env = ansible_env(ANSIBLE_COLLECTIONS_PATH=str(collections), K3S_STANDIN_RECORD_DIR=str(records))
    return run(["ansible-playbook", "playbooks/k3s.yml", "-i", f"inventory/{inventory}",
                "--vault-password-file", str(DEMO_VAULT_PASSWORD), "-e", json.dumps(overrides),
                "--skip-tags", "node_prep", *extra], env=env)


def vault_tokens() -> dict[str, str]:
    """Decrypts each site's vault_k3s_token with the demo password (ansible's own VaultLib)."""
    from ansible.constants import DEFAULT_VAULT_ID_MATCH
    from ansible.parsing.vault import VaultLib, VaultSecret

    vault = VaultLib([(DEFAULT_VAULT_ID_MATCH, VaultSecret(DEMO_VAULT_PASSWORD.read_bytes().strip()))])

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!vault", lambda loader, node: vault.decrypt(loader.construct_scalar(node)).decode())
    return {site: yaml.load((ROOT / "inventory" / "example" / "group_vars" / site / "vault.yml").read_text(),
                            Loader=Loader)["vault_k3s_token"] for site in ("hq", "prague", "brno")}


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("k3s")
    result = k3s_run(tmp, "example")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    records = {p.name.removesuffix(".json"): json.loads(p.read_text())
               for p in (tmp / "records").glob("*.json")}
    return tmp, records


def test_every_node_gets_the_collections_preparation_roles(example_run):
    _, records = example_run
    nodes = {f"{s}-pi-{n}" for s in ("prague", "brno") for n in (1, 2, 3, 4)} | {"hq-k3s-1"}
    for role in ("prereq", "airgap", "raspberrypi"):
        assert {k.rsplit(".", 1)[0] for k in records if k.endswith("." + role)} == nodes, role


def test_servers_and_agents_per_site(example_run):
    _, records = example_run
    servers = {k.split(".")[0]: v for k, v in records.items() if k.endswith(".k3s_server")}
    agents = {k.split(".")[0]: v for k, v in records.items() if k.endswith(".k3s_agent")}
    assert set(servers) == {"hq-k3s-1", "prague-pi-1", "brno-pi-1"}
    assert set(agents) == {f"{s}-pi-{n}" for s in ("prague", "brno") for n in (2, 3, 4)}
    for host, rec in {**servers, **agents}.items():
        site = host.split("-")[0]
        assert rec["server_group"] == f"{site}_server"
        assert rec["k3s_version"] == "v1.34.2+k3s1"
    for host, rec in agents.items():
        site = host.split("-")[0]
        assert rec["agent_group"] == f"{site}_agent"
        # agents join their own site's server, never another site's
        assert rec["api_endpoint"] == servers[f"{site}-pi-1"]["api_endpoint"]
    assert len({r["api_endpoint"] for r in servers.values()}) == 3
    assert all(r["first_server"] for r in servers.values())
    assert "--write-kubeconfig-mode=0600" in servers["prague-pi-1"]["extra_server_args"]


def test_token_comes_from_each_sites_vault(example_run):
    _, records = example_run
    tokens = vault_tokens()
    for key, rec in records.items():
        if key.endswith((".k3s_server", ".k3s_agent")):
            site = key.split("-")[0]
            assert rec["token_sha256"] == hashlib.sha256(tokens[site].encode()).hexdigest(), key


def test_kubeconfig_of_each_site_is_fetched_and_points_at_the_site(example_run):
    tmp, records = example_run
    for site in ("hq", "prague", "brno"):
        path = tmp / "credentials" / site / "kubeconfig"
        assert path.stat().st_mode & 0o777 == 0o600
        config = yaml.safe_load(path.read_text())
        endpoint = records[f"{'hq-k3s-1' if site == 'hq' else site + '-pi-1'}.k3s_server"]["api_endpoint"]
        assert config["clusters"][0]["cluster"]["server"] == f"https://{endpoint}:6443"
        assert config["current-context"] == site
        assert config["contexts"][0]["context"] == {"cluster": site, "user": site}
        assert config["users"][0]["name"] == site


def test_second_run_changes_no_kubeconfig(example_run):
    tmp, _ = example_run
    result = k3s_run(tmp, "example", "--tags", "k3s_kubeconfig")
    assert result.returncode == 0, result.stdout[-3000:]
    fetch = [line for line in result.stdout.splitlines() if line.startswith(("changed:", "ok:")) and "-> localhost" in line]
    assert fetch and not any(line.startswith("changed:") for line in fetch), result.stdout[-3000:]


def test_check_mode_runs_against_the_per_site_inventory(tmp_path):
    result = k3s_run(tmp_path, "prague", "--check")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert "prague-pi-1" in result.stdout and "brno" not in result.stdout


def test_missing_collection_fails_early_with_the_install_command(tmp_path):
    empty = tmp_path / "no-collections"
    (empty / "ansible_collections").mkdir(parents=True)
    result = k3s_run(tmp_path, "example", collections=empty)
    assert result.returncode != 0
    assert "ansible-galaxy collection install -r collections/requirements.yml" in result.stdout
    assert not list((tmp_path / "records").glob("*.json")), "nothing may run without the collection"


def test_local_inventory_needs_no_collection(tmp_path):
    empty = tmp_path / "no-collections"
    (empty / "ansible_collections").mkdir(parents=True)
    env = ansible_env(ANSIBLE_COLLECTIONS_PATH=str(empty))
    for args in (["--syntax-check"], []):
        result = run(["ansible-playbook", "playbooks/k3s.yml", "-i", "inventory/local", *args], env=env)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
